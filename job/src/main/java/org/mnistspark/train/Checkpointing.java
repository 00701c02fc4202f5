package org.mnistspark.train;

import java.util.function.Consumer;

/**
 * How a trainer takes part in checkpointing: the state it continues from, and whom it shows its
 * state after every epoch that did not stop training.
 *
 * @param resumeFrom the state to continue from; null to start from the initial network
 * @param epochDone called on the driver after each such epoch; it may write the state away
 */
public record Checkpointing(TrainingState resumeFrom, Consumer<TrainingState> epochDone) {
  /** Starts from scratch and keeps nothing. */
  public static final Checkpointing NONE = new Checkpointing(null, s -> {});
}
