package org.mnistspark.output;

import java.util.List;
import java.util.Map;
import org.mnistspark.data.MnistData;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.ValidationPoint;

/** Everything metrics.json holds about one run; Jackson writes it as is. */
public record RunMetrics(
    Map<String, Object> config,
    Data data,
    Scaling scaling,
    List<EpochStats> epochs,
    List<ValidationPoint> validationCurve,
    String stoppedEarly,
    ValidationPoint keptValidationCheck,
    TestMetrics test,
    Spark spark,
    DistributedTrainer.RoundTimes averagingRound,
    Map<String, DistributedTrainer.PhaseTime> trainingPhases,
    List<NetworkProbe> mechanism,
    Resumed resumedFrom,
    CheckpointCost checkpoints,
    double wallSeconds,
    String finishedAt) {

  public record Data(String dataset, List<MnistData.InputFile> files, int trainImages, int validationImages, int testImages) {}

  /**
   * The checkpoint a resumed run continued from; absent for a run that started from scratch. Its
   * epochs, curve and probes include the checkpoint's; wallSeconds and averagingRound cover only
   * the resumed process.
   *
   * @param epoch epochs done when the checkpoint was written
   */
  public record Resumed(String checkpoint, int epoch) {}

  /**
   * What writing checkpoints cost this process; absent when it wrote none (checkpoint-every-epochs
   * 0, the dl4j trainer, a study or a benchmark).
   *
   * @param meanSeconds wall seconds per checkpoint on the driver, training paused meanwhile
   * @param meanBytes bytes per checkpoint
   * @param failed checkpoints that could not be written (the run went on without them)
   */
  public record CheckpointCost(int everyEpochs, int written, double meanSeconds, long meanBytes, int failed) {}

  /** The fitted transform x -> (x - offset) / divisor; mean and std are the training split's. */
  public record Scaling(String kind, double offset, double divisor, Double mean, Double std) {}

  /**
   * @param executors tasks run per executor id (the driver is "driver" in local mode)
   */
  public record Spark(String master, String applicationId, int defaultParallelism, int partitions, Map<String, Long> executors) {}

  /** A new builder: the run's parts in named groups, then {@link Builder#build()}; groups not given are null. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RunMetrics} from a few named groups instead of sixteen positional arguments. */
  public static final class Builder {
    private Map<String, Object> config;
    private Data data;
    private Scaling scaling;
    private DistributedTrainer.Result training;
    private List<NetworkProbe> mechanism;
    private TestMetrics test;
    private Spark spark;
    private Resumed resumedFrom;
    private CheckpointCost checkpoints;
    private double wallSeconds;
    private String finishedAt;

    private Builder() {}

    /** What the run was given: every effective option, the data it read, the fitted scaling. */
    public Builder input(Map<String, Object> config, Data data, Scaling scaling) {
      this.config = config;
      this.data = data;
      this.scaling = scaling;
      return this;
    }

    /**
     * What training produced (epochs, validation curve, why it stopped early, the kept check, round
     * and phase times) and what the probes measured along the way.
     */
    public Builder training(DistributedTrainer.Result training, List<NetworkProbe> mechanism) {
      this.training = training;
      this.mechanism = mechanism;
      return this;
    }

    /** The test set's metrics, and the Spark application that computed them. */
    public Builder evaluation(TestMetrics test, Spark spark) {
      this.test = test;
      this.spark = spark;
      return this;
    }

    /** Where a resumed run continued from (null from scratch), what writing checkpoints cost (null if none). */
    public Builder checkpoints(Resumed resumedFrom, CheckpointCost cost) {
      this.resumedFrom = resumedFrom;
      this.checkpoints = cost;
      return this;
    }

    /** The run's wall seconds and when it finished (ISO-8601). */
    public Builder finished(double wallSeconds, String finishedAt) {
      this.wallSeconds = wallSeconds;
      this.finishedAt = finishedAt;
      return this;
    }

    public RunMetrics build() {
      DistributedTrainer.Result t = training;
      return new RunMetrics(config, data, scaling, t == null ? null : t.epochs(), t == null ? null : t.curve(),
          t == null ? null : t.stoppedEarly(), t == null ? null : t.kept(), test, spark, t == null ? null : t.rounds(),
          t == null ? null : t.phases(), mechanism, resumedFrom, checkpoints, wallSeconds, finishedAt);
    }
  }
}
