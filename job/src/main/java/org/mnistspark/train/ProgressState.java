package org.mnistspark.train;

import java.util.List;

/**
 * What {@link TrainingProgress} has recorded by the end of an epoch, for a checkpoint: everything
 * a resumed run needs to report and decide as the uninterrupted run would have.
 *
 * @param trainNanos training time so far, validation not counted (max-train-seconds reads it)
 * @param bestPoint the check whose parameters keep-best-validation holds; null without it
 * @param bestEpochEnd the best epoch-end check, which early-stop-patience counts from; null before the first
 */
public record ProgressState(List<ValidationPoint> curve, List<EpochStats> epochs, long trainNanos, long imagesFitted,
    ValidationPoint bestPoint, ValidationPoint bestEpochEnd) {
  public ProgressState {
    curve = List.copyOf(curve);
    epochs = List.copyOf(epochs);
  }
}
