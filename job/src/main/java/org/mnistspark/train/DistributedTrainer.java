package org.mnistspark.train;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.PixelScaler;

/**
 * Synchronous parameter averaging over Spark: each worker fits {@code averaging-frequency}
 * minibatches, then parameters and Adam's moments are averaged. Two implementations: the
 * project's resident-worker trainer (the default) and DL4J's ParameterAveragingTrainingMaster.
 */
public interface DistributedTrainer {

  /** Told after each epoch; lets a caller (the study) report its own progress. */
  interface EpochListener {
    /** {@code epochs}: the run's last epoch, the planned one or, for a run that stops early, this one. */
    void epochDone(EpochStats stats, int epochs);

    /**
     * Shown the network before training ({@code epoch} 0) and after every epoch, for measurements
     * (the study's mechanism probes). {@code network} builds or returns a network holding the
     * parameters at that point; it may be the live one, so a listener must not change it.
     */
    default void networkAt(double epoch, long imagesSeen, Supplier<MultiLayerNetwork> network) {}
  }

  /**
   * The trained network and what training did.
   *
   * @param curve validation after every check (validations-per-epoch of them per epoch)
   * @param phases DL4J's timings per phase of parameter averaging, summed over the run (dl4j trainer only)
   * @param rounds mean cost of an averaging round
   * @param stoppedEarly why training ended before the last epoch, or null if it ran them all
   * @param kept the validation check whose parameters {@code network} holds (keep-best-validation);
   *     null when it holds the last ones
   * @param last the state after the last training step, whichever check {@code network} holds
   */
  record Result(MultiLayerNetwork network, List<EpochStats> epochs, List<ValidationPoint> curve,
      Map<String, PhaseTime> phases, RoundTimes rounds, String stoppedEarly, ValidationPoint kept, ModelState last) {}

  /** How often a phase ran and its total wall time in milliseconds (summed over workers for worker phases). */
  record PhaseTime(int count, long totalMillis) {}

  /**
   * Mean wall milliseconds per averaging round, measured on the driver, and the part of it the
   * workers spent fitting (mean over workers).
   *
   * @param slowestFitMillis the slowest worker's fit time per round: the round waits for it
   *     (resident trainer; the mean fit time for dl4j)
   * @param broadcastMillis on the driver, averaging the states and broadcasting the result
   * @param stateMillis per worker, loading the averaged state and reading it back out (resident
   *     trainer); repartitioning (dl4j)
   */
  record RoundTimes(int rounds, double roundMillis, double fitMillis, double slowestFitMillis, double broadcastMillis,
      double stateMillis) {
    public double outsideFitMillis() {
      return roundMillis - fitMillis;
    }

    public double outsideFitShare() {
      return outsideFitMillis() / roundMillis;
    }
  }

  /**
   * Returns the network after {@code config.epochs()} passes over {@code train} (or fewer when
   * {@code stop-at-validation-accuracy} is reached), validating on {@code validation}.
   */
  default Result train(JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation, long trainCount, PixelScaler scaler,
      EpochListener listener) {
    return train(train, validation, trainCount, scaler, listener, Checkpointing.NONE);
  }

  /**
   * As the other {@code train}, continuing from {@code checkpointing}'s state if it has one and
   * showing it the state after every epoch (the dl4j trainer does neither: it cannot resume).
   */
  Result train(JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation, long trainCount, PixelScaler scaler,
      EpochListener listener, Checkpointing checkpointing);

  /** The trainer the configuration names. */
  static DistributedTrainer of(JavaSparkContext sc, JobConfig config) {
    return switch (config.trainer()) {
      case RESIDENT -> new ResidentAveragingTrainer(sc, config);
      case DL4J -> new Dl4jAveragingTrainer(sc, config);
      case SINGLE_JVM -> (train, validation, trainCount, scaler, listener, checkpointing) ->
          new SingleJvmTrainer(config).train(train.collect(), validation.collect(), scaler, listener, checkpointing);
    };
  }
}
