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
}
