package org.mnistspark.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;

/**
 * One averaging round on one worker: load the averaged state into the executor's resident
 * network, fit this round's minibatches of the partition (scaled on the fly), send the state back.
 */
final class FitRound implements Function2<Integer, Iterator<LabeledImage>, Iterator<RoundResult>> {
  private static final long serialVersionUID = 1L;
  private final String runId;
  private final String configurationJson;
  private final Broadcast<ModelState> state;
  private final EpochPlan plan;
  private final MinibatchAssembler assembler;
  private final int epoch;
  private final int round;
  private final long fitStandInNanos;

  /** {@code fitStandInNanos}: 0 fits; more waits that long instead of fitting (the round-cost probe). */
  FitRound(String runId, String configurationJson, Broadcast<ModelState> state, EpochPlan plan,
      MinibatchAssembler assembler, int epoch, int round, long fitStandInNanos) {
    this.runId = runId;
    this.configurationJson = configurationJson;
    this.state = state;
    this.plan = plan;
    this.assembler = assembler;
    this.epoch = epoch;
    this.round = round;
    this.fitStandInNanos = fitStandInNanos;
  }

  @Override
  public Iterator<RoundResult> call(Integer partition, Iterator<LabeledImage> records) {
    List<LabeledImage> images = drain(records);
    int[] range = plan.batchRange(images.size(), round);
    if (range[0] == range[1]) {
      return List.of(RoundResult.of(ModelState.Sum.of(null, 0), 0, 0, 0, 0)).iterator();
    }
    long start = System.nanoTime();
    MultiLayerNetwork net = ResidentNetworks.get(runId, partition, configurationJson);
    state.value().applyTo(net);
    long loaded = System.nanoTime();

    int[] order = plan.order(images.size(), epoch, partition);
    long fitted = 0;
    double lossSum = 0;
    for (int b = range[0]; b < range[1]; b++) {
      List<LabeledImage> batch = plan.batch(images, order, b);
      if (fitStandInNanos == 0) {
        net.fit(assembler.batch(batch));
        // score() is the minibatch's mean loss, computed in the forward pass before the update
        lossSum += net.score() * batch.size();
      }
      fitted += batch.size();
    }
    if (fitStandInNanos > 0) {
      standIn();
    }
    long fit = System.nanoTime();
    ModelState result = ModelState.of(net);
    long end = System.nanoTime();
    return List.of(RoundResult.of(ModelState.Sum.of(result, range[1] - range[0]), fitted, lossSum,
        fit - loaded, (loaded - start) + (end - fit))).iterator();
  }

  /** Waits at least the stand-in's length (a park may return early). */
  private void standIn() {
    try {
      Thread.sleep(fitStandInNanos / 1_000_000, (int) (fitStandInNanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while standing in for a fit", e);
    }
  }

  /** The cached partition's records (references, not copies). */
  static List<LabeledImage> drain(Iterator<LabeledImage> records) {
    List<LabeledImage> images = new ArrayList<>();
    records.forEachRemaining(images::add);
    return images;
  }
}
