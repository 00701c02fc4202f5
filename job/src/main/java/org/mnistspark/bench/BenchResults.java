package org.mnistspark.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.ValidationPoint;

/** What the benchmark measured, as written to results.json. */
record BenchResults(
    Map<String, Object> machine,
    Map<String, Object> settings,
    List<Run> runs,
    List<Summary> summaries,
    Comparison comparison) {

  static final String THROUGHPUT = "throughput";
  static final String QUALITY = "quality";

  /**
   * One configuration and seed in one phase.
   *
   * @param phase "throughput" (2 epochs on a subset) or "quality" (the full split for the planned epochs)
   * @param kind "fit" (plain DL4J fit in one JVM), "resident" or "dl4j" (the two Spark trainers)
   * @param decay the learning rate's decay after its warm-up ({@code warmupEpochs} epochs)
   * @param samplesPerSecond throughput phase: images fitted over training seconds, epochs after the
   *     first (which pays JIT and caching); quality phase: over the whole run
   * @param secondsToThresholds per threshold of the settings, training seconds (validation
   *     excluded) when validation accuracy first reached it; null where it never did
   * @param finalValidationAccuracy the last check's
   * @param testAccuracy the returned model's (the best check's with keep-best-validation)
   * @param finalTestAccuracy the parameters after the last step
   * @param rounds per averaging round, for the Spark trainers; null for plain fit
   */
  record Run(String phase, String kind, long seed, int batchSize, int averagingFrequency, int averagingGrowth, int threads,
      double learningRate,
      String decay, double warmupEpochs, int trainImages, List<EpochStats> epochs, List<ValidationPoint> curve,
      double samplesPerSecond, List<Double> secondsToThresholds, List<Double> epochsToThresholds,
      double bestValidationAccuracy, double finalValidationAccuracy, double testAccuracy, double finalTestAccuracy,
      long peakRssMiB, DistributedTrainer.RoundTimes rounds) {

    static Run of(String phase, Setting s, int images, DistributedTrainer.Result r, List<Double> thresholds,
        double testAccuracy, double finalTestAccuracy, long peakMiB) {
      List<EpochStats> e = r.epochs();
      List<EpochStats> timed = phase.equals(THROUGHPUT) && e.size() > 1 ? e.subList(1, e.size()) : e;
      double rate = timed.stream().mapToLong(EpochStats::imagesFitted).sum() / timed.stream().mapToDouble(EpochStats::seconds).sum();
      List<Double> seconds = new ArrayList<>();
      List<Double> epochs = new ArrayList<>();
      for (double t : thresholds) {
        ValidationPoint reached = r.curve().stream().filter(p -> p.accuracy() >= t).findFirst().orElse(null);
        seconds.add(reached == null ? null : reached.trainSeconds());
        epochs.add(reached == null ? null : reached.epoch());
      }
      double best = r.curve().stream().mapToDouble(ValidationPoint::accuracy).max().orElse(0);
      double last = r.curve().isEmpty() ? 0 : r.curve().get(r.curve().size() - 1).accuracy();
      return new Run(phase, s.kind(), s.seed(), s.batchSize(), s.kind().equals("fit") ? 0 : s.averagingFrequency(),
          s.kind().equals("fit") ? 1 : s.averagingGrowth(), s.threads(),
          s.learningRate(), s.decay(), s.warmupEpochs(), images, e, r.curve(), rate, seconds, epochs, best, last, testAccuracy,
          finalTestAccuracy, peakMiB, r.rounds());
    }

    /** The configuration without its seed: runs of one label differ only in their seed. */
    String label() {
      return setting().label();
    }

    Setting setting() {
      return new Setting(kind, seed, batchSize, averagingFrequency, averagingGrowth, threads, learningRate, decay, warmupEpochs);
    }
  }

  /** What a run was given: its trainer, seed and the settings its label names. */
  record Setting(String kind, long seed, int batchSize, int averagingFrequency, int averagingGrowth, int threads,
      double learningRate, String decay, double warmupEpochs) {

    String label() {
      String lr = " lr " + new BigDecimal(learningRate).round(new MathContext(3)).stripTrailingZeros().toPlainString();
      String schedule = decay.equals("constant") && warmupEpochs == 0 ? " constant" : " " + decay;
      return kind.equals("fit")
          ? "fit b" + batchSize + " t" + threads + lr + schedule
          : kind + " b" + auto(batchSize) + " f" + auto(averagingFrequency) + (averagingGrowth == 1 ? "" : "x" + averagingGrowth)
              + (threads == 1 ? "" : " t" + threads) + lr + schedule;
    }

    private static String auto(int size) {
      return size == 0 ? "auto" : String.valueOf(size);
    }
  }

  /** Median, minimum and maximum over a configuration's seeds; {@code missing} runs had no value (a threshold not reached). */
  record Stat(Double median, Double min, Double max, int missing) {

    /** Over {@code values}, where null (not reached) counts as worse than any value; the median is null if it falls on one. */
    static Stat of(List<Double> values) {
      List<Double> present = values.stream().filter(v -> v != null).sorted().toList();
      int missing = values.size() - present.size();
      List<Double> all = new ArrayList<>(present);
      for (int i = 0; i < missing; i++) {
        all.add(Double.POSITIVE_INFINITY);
      }
      int n = all.size();
      double median = n % 2 == 1 ? all.get(n / 2) : (all.get(n / 2 - 1) + all.get(n / 2)) / 2;
      return new Stat(Double.isInfinite(median) ? null : median, present.isEmpty() ? null : present.get(0),
          present.isEmpty() ? null : present.get(present.size() - 1), missing);
    }

    static Stat of(List<Run> runs, ToDoubleFunction<Run> value) {
      return of(runs.stream().map(r -> value.applyAsDouble(r)).toList());
    }
  }

  /** A quality-phase configuration over its seeds. */
  record Summary(String label, List<Long> seeds, List<Double> thresholds, Stat samplesPerSecond, List<Stat> secondsToThresholds,
      Stat bestValidationAccuracy, Stat finalValidationAccuracy, Stat testAccuracy, Stat finalTestAccuracy) {

    static Summary of(String label, List<Run> runs, List<Double> thresholds) {
      List<Stat> seconds = new ArrayList<>();
      for (int i = 0; i < thresholds.size(); i++) {
        int t = i;
        seconds.add(Stat.of(runs.stream().map(r -> r.secondsToThresholds().get(t)).toList()));
      }
      return new Summary(label, runs.stream().map(Run::seed).toList(), thresholds, Stat.of(runs, Run::samplesPerSecond), seconds,
          Stat.of(runs, Run::bestValidationAccuracy), Stat.of(runs, Run::finalValidationAccuracy),
          Stat.of(runs, Run::testAccuracy), Stat.of(runs, Run::finalTestAccuracy));
    }

    /** Every quality-phase configuration, in the order it first ran. */
    static List<Summary> of(List<Run> runs, List<Double> thresholds) {
      List<String> labels = runs.stream().filter(r -> r.phase().equals(QUALITY)).map(Run::label).distinct().toList();
      return labels.stream().map(l -> of(l, runs.stream().filter(r -> r.phase().equals(QUALITY) && r.label().equals(l)).toList(),
          thresholds)).toList();
    }
  }

  /**
   * The default configuration against the best single-JVM baseline in the quality phase: medians
   * over seeds, run for run on the same data, seeds and epochs.
   *
   * @param timeRatios per threshold, the default's median seconds over the baseline's; null where
   *     either median did not reach it
   * @param throughputRatio the default's median samples/s over the baseline's
   */
  record Comparison(List<Double> thresholds, String defaultRun, String baseline, List<Double> timeRatios,
      double defaultFinalTest, double baselineFinalTest, double defaultMeanFinalTest, double defaultMinFinalTest,
      double throughputRatio, Double outsideFitShare) {

    static Comparison of(List<Summary> summaries, List<Run> runs, String defaultLabel, String baselineLabel) {
      Summary job = summary(summaries, defaultLabel);
      Summary base = summary(summaries, baselineLabel);
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < job.secondsToThresholds().size(); i++) {
        Double a = job.secondsToThresholds().get(i).median();
        Double b = base.secondsToThresholds().get(i).median();
        ratios.add(a == null || b == null ? null : a / b);
      }
      List<Run> defaultRuns = runs.stream().filter(r -> r.phase().equals(QUALITY) && r.label().equals(defaultLabel)).toList();
      DistributedTrainer.RoundTimes rounds = defaultRuns.get(0).rounds();
      return new Comparison(job.thresholds(), defaultLabel, baselineLabel, ratios, job.finalTestAccuracy().median(),
          base.finalTestAccuracy().median(), defaultRuns.stream().mapToDouble(Run::finalTestAccuracy).average().orElse(0),
          job.finalTestAccuracy().min(), job.samplesPerSecond().median() / base.samplesPerSecond().median(),
          rounds == null ? null : rounds.outsideFitShare());
    }

    private static Summary summary(List<Summary> summaries, String label) {
      return summaries.stream().filter(s -> s.label().equals(label)).findFirst().orElseThrow();
    }
  }
}
