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

  /** A new builder: each part by name, then {@link Builder#build()}; parts not given are null (0 for wallSeconds). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RunMetrics} part by part instead of from sixteen positional arguments. */
  public static final class Builder {
    private Map<String, Object> config;
    private Data data;
    private Scaling scaling;
    private List<EpochStats> epochs;
    private List<ValidationPoint> validationCurve;
    private String stoppedEarly;
    private ValidationPoint keptValidationCheck;
    private TestMetrics test;
    private Spark spark;
    private DistributedTrainer.RoundTimes averagingRound;
    private Map<String, DistributedTrainer.PhaseTime> trainingPhases;
    private List<NetworkProbe> mechanism;
    private Resumed resumedFrom;
    private CheckpointCost checkpoints;
    private double wallSeconds;
    private String finishedAt;

    private Builder() {}

    public Builder config(Map<String, Object> value) {
      config = value;
      return this;
    }

    public Builder data(Data value) {
      data = value;
      return this;
    }

    public Builder scaling(Scaling value) {
      scaling = value;
      return this;
    }

    public Builder test(TestMetrics value) {
      test = value;
      return this;
    }

    public Builder spark(Spark value) {
      spark = value;
      return this;
    }

    public Builder mechanism(List<NetworkProbe> value) {
      mechanism = value;
      return this;
    }

    public Builder resumedFrom(Resumed value) {
      resumedFrom = value;
      return this;
    }

    public Builder checkpoints(CheckpointCost value) {
      checkpoints = value;
      return this;
    }

    public Builder wallSeconds(double value) {
      wallSeconds = value;
      return this;
    }

    public Builder finishedAt(String value) {
      finishedAt = value;
      return this;
    }

    /** What training produced: epochs, validation curve, why it stopped early, the kept check, round and phase times. */
    public Builder training(DistributedTrainer.Result training) {
      epochs = training.epochs();
      validationCurve = training.curve();
      stoppedEarly = training.stoppedEarly();
      keptValidationCheck = training.kept();
      averagingRound = training.rounds();
      trainingPhases = training.phases();
      return this;
    }

    public RunMetrics build() {
      return new RunMetrics(config, data, scaling, epochs, validationCurve, stoppedEarly, keptValidationCheck, test, spark, averagingRound, trainingPhases, mechanism, resumedFrom, checkpoints, wallSeconds, finishedAt);
    }
  }
}
