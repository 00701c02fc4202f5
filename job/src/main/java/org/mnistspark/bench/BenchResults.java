package org.mnistspark.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** What the benchmark measured, as written to results.json. */
record BenchResults(
    Map<String, Object> machine,
    Map<String, Object> settings,
    List<Run> runs,
    DataPath dataPath,
    Comparison comparison) {

  /**
   * One configuration.
   *
   * @param kind "baseline" (plain fit in one JVM) or "spark"
   * @param samplesPerSecond median over the epochs after the first (the first pays JIT and caching)
   * @param overhead per averaging round, for Spark runs with training stats; null otherwise
   */
  record Run(String kind, int batchSize, int averagingFrequency, int threadsPerTask, int trainImages,
      List<Double> epochSeconds, double samplesPerSecond, double testAccuracy, long peakRssMiB, RoundOverhead overhead) {

    static Run of(String kind, int batch, int frequency, int threads, int images, List<Double> seconds,
        double accuracy, long peakMiB, RoundOverhead overhead) {
      return new Run(kind, batch, frequency, threads, images, List.copyOf(seconds),
          images / median(seconds.size() > 1 ? seconds.subList(1, seconds.size()) : seconds), accuracy, peakMiB, overhead);
    }

    String label() {
      return kind.equals("baseline")
          ? "fit b" + batchSize + " t" + threadsPerTask
          : "spark b" + batchSize + " f" + averagingFrequency + " t" + threadsPerTask;
    }
  }

  /**
   * Milliseconds per averaging round, from DL4J's training stats.
   *
   * @param roundMillis the driver's wall time per round
   * @param computeMillis the workers' fit time per round, divided by the number of workers
   * @param outsideFitMillis the rest: broadcast, repartition, scheduling, aggregation
   */
  record RoundOverhead(int rounds, double roundMillis, double computeMillis, double outsideFitMillis,
      double broadcastMillis, double repartitionMillis) {}

  /**
   * The data path measured on its own over one epoch of training images, single-threaded.
   *
   * @param shareOfEpoch (assemble + serde) / workers over the default configuration's epoch time
   */
  record DataPath(int images, double assembleSeconds, double kryoRoundTripSeconds, double shareOfEpoch) {}

  /** The default configuration against the baseline. */
  record Comparison(String defaultRun, String sameBatchBaseline, double ratioToSameBatchBaseline,
      String fastestBaseline, double ratioToFastestBaseline) {}

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
