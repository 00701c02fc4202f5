package org.mnistspark.bench;

import java.util.List;
import java.util.Map;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.ValidationPoint;

/** What the benchmark measured, as written to results.json. */
record BenchResults(
    Map<String, Object> machine,
    Map<String, Object> settings,
    List<Run> runs,
    Comparison comparison) {

  static final String THROUGHPUT = "throughput";
  static final String TIME_TO_ACCURACY = "time-to-accuracy";

  /**
   * One configuration in one phase.
   *
   * @param phase "throughput" (a few epochs on a subset) or "time-to-accuracy" (the full split
   *     until the target validation accuracy or the epoch limit)
   * @param kind "fit" (plain DL4J fit in one JVM), "resident" or "dl4j" (the two Spark trainers)
   * @param samplesPerSecond throughput phase: images fitted over training seconds, epochs after the
   *     first (which pays JIT and caching); time-to-accuracy phase: over the whole run
   * @param secondsToTarget training seconds (validation excluded) when validation accuracy first
   *     reached the target; null if it never did
   * @param rounds per averaging round, for the Spark trainers; null for plain fit
   */
  record Run(String phase, String kind, int batchSize, int averagingFrequency, int threads, double learningRate, int trainImages,
      List<EpochStats> epochs, List<ValidationPoint> curve, double samplesPerSecond, Double secondsToTarget,
      Double epochsToTarget, double bestValidationAccuracy, double testAccuracy, long peakRssMiB,
      DistributedTrainer.RoundTimes rounds) {

    static Run of(String phase, String kind, int batch, int frequency, int threads, double learningRate, int images,
        DistributedTrainer.Result r, double target, double testAccuracy, long peakMiB) {
      List<EpochStats> e = r.epochs();
      List<EpochStats> timed = phase.equals(THROUGHPUT) && e.size() > 1 ? e.subList(1, e.size()) : e;
      double rate = timed.stream().mapToLong(EpochStats::imagesFitted).sum() / timed.stream().mapToDouble(EpochStats::seconds).sum();
      ValidationPoint reached = r.curve().stream().filter(p -> p.accuracy() >= target).findFirst().orElse(null);
      double best = r.curve().stream().mapToDouble(ValidationPoint::accuracy).max().orElse(0);
      return new Run(phase, kind, batch, kind.equals("fit") ? 0 : frequency, threads, learningRate, images, e, r.curve(), rate,
          reached == null ? null : reached.trainSeconds(), reached == null ? null : reached.epoch(), best, testAccuracy,
          peakMiB, r.rounds());
    }

    String label() {
      String lr = String.format(java.util.Locale.ROOT, " lr %s", new java.math.BigDecimal(learningRate).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString());
      return kind.equals("fit")
          ? "fit b" + batchSize + " t" + threads + lr
          : kind + " b" + batchSize + " f" + averagingFrequency + (threads == 1 ? "" : " t" + threads) + lr;
    }
  }

  /**
   * The default configuration against the baselines, in the time-to-accuracy phase.
   *
   * @param fastestBaseline the plain fit with the most samples/s
   * @param quickestBaseline the plain fit that reached the target in the fewest training seconds (null if none did)
   */
  record Comparison(double target, String defaultRun, String fastestBaseline, double throughputRatio,
      String quickestBaseline, Double timeToTargetRatio, Double outsideFitShare) {}
}
