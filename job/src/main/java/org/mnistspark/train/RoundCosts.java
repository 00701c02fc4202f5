package org.mnistspark.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.PixelScaler;

/**
 * What an averaging round of the resident trainer costs besides fitting, with every worker's fit
 * replaced by a wait of a measured length: on a machine with fewer cores than executors the fits
 * would otherwise queue for cores, and the round would measure the machine instead of Spark. The
 * rest of the round is the real thing: the state broadcast, loaded into each resident network and
 * read back, the tree reduce to the driver, the average and the next broadcast.
 */
public final class RoundCosts {
  private RoundCosts() {}

  /**
   * The mean round over {@code config.epochs()} passes of {@code train}, one worker per partition,
   * after one pass to warm up (each pass still builds its networks in its first round).
   */
  public static DistributedTrainer.RoundTimes measure(JavaSparkContext sc, JobConfig config, JavaRDD<LabeledImage> train,
      JavaRDD<LabeledImage> validation, long trainCount, PixelScaler scaler, double fitMillisPerRound) {
    if (!(fitMillisPerRound > 0)) {
      throw new IllegalArgumentException("fit stand-in must be > 0 ms, got " + fitMillisPerRound);
    }
    long standIn = Math.round(fitMillisPerRound * 1e6);
    // a first epoch warms the JIT and the executors' native code, so the rounds measured are the steady ones
    new ResidentAveragingTrainer(sc, config.withEpochs(1), standIn).train(train, validation, trainCount, scaler, NO_LISTENER);
    return new ResidentAveragingTrainer(sc, config, standIn).train(train, validation, trainCount, scaler, NO_LISTENER)
        .rounds();
  }

  private static final DistributedTrainer.EpochListener NO_LISTENER = (stats, epochs) -> {};

  /** Bytes of the state a worker sends back each round: parameters and Adam's two moments, as floats. */
  public static long stateBytes(JobConfig config) {
    ModelState s = ModelState.of(LeNet.network(config, 1));
    return 4L * (s.params().length + s.updater().length);
  }
}
