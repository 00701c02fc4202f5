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
    double wallSeconds,
    String finishedAt) {

  public record Data(String dataset, List<MnistData.InputFile> files, int trainImages, int validationImages, int testImages) {}

  /** The fitted transform x -> (x - offset) / divisor; mean and std are the training split's. */
  public record Scaling(String kind, double offset, double divisor, Double mean, Double std) {}

  /**
   * @param executors tasks run per executor id (the driver is "driver" in local mode)
   */
  public record Spark(String master, String applicationId, int defaultParallelism, int partitions, Map<String, Long> executors) {}
}
