package org.mnistspark.bench;

import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.ValidationPoint;

/** The benchmark's human-readable side: a Markdown report and two PNGs. */
final class BenchReport {
  /** Training cost of the LeNet per sample: about 13 MFLOP forward, three times that with backprop. */
  static final double MFLOP_PER_SAMPLE = 39;

  /** Issue 20's targets: the default's test accuracy (mean, every seed), time to the last threshold, outside-fit share. */
  static final double MEAN_TEST_TARGET = 0.993;
  static final double EVERY_SEED_TEST_TARGET = 0.992;
  static final double TIME_TARGET = 0.75;
  static final double OVERHEAD_TARGET = 0.10;

  private BenchReport() {}

  /** The comparison in a few lines, for the console. */
  static String summary(BenchResults r) {
    BenchResults.Comparison c = r.comparison();
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "default %s against the best single-JVM baseline %s "
        + "(medians over seeds): final test accuracy %.4f vs %.4f; %.2fx its samples/s", c.defaultRun(), c.baseline(),
        c.defaultFinalTest(), c.baselineFinalTest(), c.throughputRatio()));
    for (int i = 0; i < c.thresholds().size(); i++) {
      Double ratio = c.timeRatios().get(i);
      s.append(String.format(Locale.ROOT, "; time to %s validation %s", percent(c.thresholds().get(i)),
          ratio == null ? "not comparable (a median did not reach it)" : String.format(Locale.ROOT, "%.2fx", ratio)));
    }
    return s.append(String.format(Locale.ROOT, "; outside fit %s of a round",
        c.outsideFitShare() == null ? "-" : percent(c.outsideFitShare()))).toString();
  }

  static String markdown(BenchResults r) {
    StringBuilder md = new StringBuilder("# Benchmark: Spark parameter averaging vs plain DL4J fit\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %s, %s cores, %s GiB, %s; load average %.2f at the start; started %s.%n%n",
        r.machine().get("cpu"), r.machine().get("cores"), r.machine().get("memoryGiB"), r.machine().get("java"),
        ((Number) r.machine().get("loadAverageAtStart")).doubleValue(), r.machine().get("startedAt")));
    md.append(String.format(Locale.ROOT, "Same model, data split and scaling (%s) for every row, all in this one run. "
            + "Spark runs on %s; plain fit runs in the same JVM without Spark. Seconds are training seconds: the clock stops "
            + "while validating, for every row alike. Validation (%s images) is checked %s times per epoch.%n%n",
        r.settings().get("scaling"), r.settings().get("master"), validationImages(r), r.settings().get("validations-per-epoch")));
    targets(md, r);
    quality(md, r);
    md.append("\n![validation accuracy against training seconds](time-to-accuracy.png)\n");
    md.append(String.format(Locale.ROOT, "%n## Throughput (first %s images of the training split, 2 epochs at a constant "
        + "learning rate; samples/s of the second)%n%n", r.settings().get("throughput-images")));
    md.append("| configuration | samples/s | GFLOP/s | test accuracy | peak RSS MiB | round ms | fit ms/round | outside fit |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (BenchResults.Run run : phase(r, BenchResults.THROUGHPUT)) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.4f | %d | %s |%n", run.label(), run.samplesPerSecond(),
          run.samplesPerSecond() * MFLOP_PER_SAMPLE / 1000, run.testAccuracy(), run.peakRssMiB(), rounds(run.rounds())));
    }
    md.append("\n![samples/s and test accuracy per configuration](throughput.png)\n");
    return md.toString();
  }

  private static void quality(StringBuilder md, BenchResults r) {
    List<Double> thresholds = r.comparison().thresholds();
    md.append(String.format(Locale.ROOT, "%n## Quality: %s epochs on the full training split, over seeds%n%n", r.settings().get("epochs")));
    md.append("Every row trains for the planned epochs. Medians over the seeds, minimum-maximum in brackets; \"final\" is "
        + "the parameters after the last step, \"kept\" the model the run returns (the best validation check's with "
        + "keep-best-validation). A threshold a run never reached counts as slower than any that did.\n\n");
    StringBuilder head = new StringBuilder("| configuration | seeds |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (double t : thresholds) {
      head.append(" seconds to ").append(percent(t)).append(" |");
      rule.append("---|");
    }
    md.append(head).append(" best validation | final validation | final test | kept test | samples/s |\n");
    md.append(rule).append("---|---|---|---|---|\n");
    for (BenchResults.Summary s : r.summaries()) {
      md.append("| ").append(s.label()).append(" | ").append(s.seeds().size()).append(" |");
      for (BenchResults.Stat t : s.secondsToThresholds()) {
        md.append(' ').append(stat(t, "%.1f", s.seeds().size())).append(" |");
      }
      md.append(String.format(Locale.ROOT, " %s | %s | %s | %s | %s |%n", stat(s.bestValidationAccuracy(), "%.4f", 0),
          stat(s.finalValidationAccuracy(), "%.4f", 0), stat(s.finalTestAccuracy(), "%.4f", 0), stat(s.testAccuracy(), "%.4f", 0),
          stat(s.samplesPerSecond(), "%.0f", 0)));
    }
    md.append("\nEvery run:\n\n| configuration | seed |");
    for (double t : thresholds) {
      md.append(" seconds (epochs) to ").append(percent(t)).append(" |");
    }
    md.append(" best validation | final validation | final test | kept test | samples/s | peak RSS MiB | round ms | "
        + "fit ms/round (mean over workers) | outside fit |\n").append(rule).append("---|---|---|---|---|---|---|---|---|\n");
    for (BenchResults.Run run : phase(r, BenchResults.QUALITY)) {
      md.append("| ").append(run.label()).append(" | ").append(run.seed()).append(" |");
      for (int i = 0; i < thresholds.size(); i++) {
        Double sec = run.secondsToThresholds().get(i);
        md.append(sec == null ? " not reached |" : String.format(Locale.ROOT, " %.1f (%.2f) |", sec, run.epochsToThresholds().get(i)));
      }
      md.append(String.format(Locale.ROOT, " %.4f | %.4f | %.4f | %.4f | %.0f | %d | %s |%n", run.bestValidationAccuracy(),
          run.finalValidationAccuracy(), run.finalTestAccuracy(), run.testAccuracy(), run.samplesPerSecond(), run.peakRssMiB(),
          rounds(run.rounds())));
    }
  }

  /** "median (min-max)", or "not reached" with how many of {@code runs} did when the median did not. */
  private static String stat(BenchResults.Stat s, String format, int runs) {
    if (s.median() == null) {
      return s.min() == null ? "not reached" : String.format(Locale.ROOT, "not reached (%d of %d did)", runs - s.missing(), runs);
    }
    String range = String.format(Locale.ROOT, format + "-" + format, s.min(), s.max());
    return String.format(Locale.ROOT, format, s.median()) + " (" + range + (s.missing() > 0 ? ", " + s.missing() + " not reached" : "")
        + ")";
  }

  private static void targets(StringBuilder md, BenchResults r) {
    BenchResults.Comparison c = r.comparison();
    md.append("| target | measured | |\n|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| default's final test accuracy >= %s mean over seeds, every seed >= %s | mean %.4f, "
            + "lowest %.4f | %s |%n", percent(MEAN_TEST_TARGET), percent(EVERY_SEED_TEST_TARGET), c.defaultMeanFinalTest(),
        c.defaultMinFinalTest(), verdict(c.defaultMeanFinalTest() >= MEAN_TEST_TARGET && c.defaultMinFinalTest() >= EVERY_SEED_TEST_TARGET)));
    int last = c.thresholds().size() - 1;
    for (int i = 0; i <= last; i++) {
      Double ratio = c.timeRatios().get(i);
      md.append(String.format(Locale.ROOT, "| time to %s validation%s the best single-JVM baseline (%s), medians | %s | %s |%n",
          percent(c.thresholds().get(i)), i == last ? String.format(Locale.ROOT, " <= %.2fx", TIME_TARGET) : ", against",
          c.baseline(), ratio == null ? "-" : String.format(Locale.ROOT, "%.2fx", ratio),
          i < last ? "reported" : ratio == null ? "not comparable" : verdict(ratio <= TIME_TARGET)));
    }
    md.append(String.format(Locale.ROOT, "| default's final test accuracy >= the baseline's (medians) | %.4f vs %.4f | %s |%n",
        c.defaultFinalTest(), c.baselineFinalTest(), verdict(c.defaultFinalTest() >= c.baselineFinalTest())));
    md.append(String.format(Locale.ROOT, "| outside-fit time < %.0f%% of a round | %s | %s |%n", 100 * OVERHEAD_TARGET,
        c.outsideFitShare() == null ? "-" : percent(c.outsideFitShare()),
        c.outsideFitShare() == null ? "-" : verdict(c.outsideFitShare() < OVERHEAD_TARGET)));
    md.append(String.format(Locale.ROOT, "| samples/s, default over the baseline (medians) | %.2fx | reported |%n", c.throughputRatio()));
    r.runs().stream().filter(x -> x.phase().equals(BenchResults.QUALITY) && x.label().equals(c.defaultRun())
        && x.rounds() != null).findFirst().ifPresent(x -> md.append("\n").append(roundBreakdown(x.rounds())).append("\n"));
  }

  /** Where one averaging round of the default configuration goes, in milliseconds. */
  static String roundBreakdown(DistributedTrainer.RoundTimes t) {
    double wait = t.slowestFitMillis() - t.fitMillis();
    double rest = t.roundMillis() - t.slowestFitMillis() - t.broadcastMillis() - t.stateMillis();
    return String.format(Locale.ROOT, "A round of the default configuration takes %.0f ms: %.0f ms of fitting (mean over workers), "
            + "%.0f ms waiting for the slower worker, %.0f ms on the driver averaging and broadcasting the state, "
            + "%.0f ms per worker loading and reading back the state, and %.0f ms of Spark scheduling, task launch and "
            + "result transfer.",
        t.roundMillis(), t.fitMillis(), wait, t.broadcastMillis(), t.stateMillis(), rest);
  }

  private static String verdict(boolean met) {
    return met ? "met" : "missed";
  }

  private static String rounds(DistributedTrainer.RoundTimes t) {
    return t == null ? "- | - | -"
        : String.format(Locale.ROOT, "%.0f | %.0f (slowest %.0f) | %.0f ms (%s)", t.roundMillis(), t.fitMillis(),
            t.slowestFitMillis(), t.outsideFitMillis(), percent(t.outsideFitShare()));
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static long validationImages(BenchResults r) {
    return Math.round(60_000 * ((Number) r.settings().get("validation-fraction")).doubleValue());
  }

  private static List<BenchResults.Run> phase(BenchResults r, String phase) {
    return r.runs().stream().filter(x -> x.phase().equals(phase)).toList();
  }

  static void writeThroughputChart(BenchResults r, Path png) throws Exception {
    List<BenchResults.Run> runs = phase(r, BenchResults.THROUGHPUT);
    List<String> labels = runs.stream().map(BenchResults.Run::label).toList();
    CategoryChart speed = category("Training throughput (" + r.settings().get("throughput-images") + " images)", "samples/s", "#,##0");
    speed.addSeries("samples/s", labels, runs.stream().map(BenchResults.Run::samplesPerSecond).toList());
    CategoryChart accuracy = category("Test accuracy after 2 epochs on the subset", "accuracy", "0.000");
    accuracy.addSeries("test accuracy", labels, runs.stream().map(BenchResults.Run::testAccuracy).toList());
    double low = runs.stream().mapToDouble(BenchResults.Run::testAccuracy).min().orElse(0);
    accuracy.getStyler().setYAxisMin(Math.max(0, Math.floor(low * 100 - 1) / 100)).setYAxisMax(1.0);
    String file = png.toString();
    BitmapEncoder.saveBitmap(List.of(speed, accuracy), 1, 2, file.substring(0, file.length() - 4), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Validation accuracy against training seconds, one line per quality-phase run (the seeds of one
   * configuration share a colour), with the thresholds as dashed lines.
   */
  static void writeTimeToAccuracyChart(BenchResults r, Path png) throws Exception {
    List<Double> thresholds = r.comparison().thresholds();
    XYChart chart = new XYChartBuilder().width(1100).height(650)
        .title(String.format(Locale.ROOT, "Validation accuracy over %s planned epochs (full training split)", r.settings().get("epochs")))
        .xAxisTitle("training seconds (validation excluded)").yAxisTitle("validation accuracy").build();
    double end = 0;
    double top = thresholds.get(thresholds.size() - 1);
    List<String> labels = r.summaries().stream().map(BenchResults.Summary::label).toList();
    for (BenchResults.Run run : phase(r, BenchResults.QUALITY)) {
      List<ValidationPoint> curve = run.curve();
      if (curve.isEmpty()) {
        continue;
      }
      XYSeries s = chart.addSeries(run.label() + " s" + run.seed(), curve.stream().map(ValidationPoint::trainSeconds).toList(),
          curve.stream().map(ValidationPoint::accuracy).toList());
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineColor(PALETTE[labels.indexOf(run.label()) % PALETTE.length]);
      s.setMarkerColor(PALETTE[labels.indexOf(run.label()) % PALETTE.length]);
      end = Math.max(end, curve.get(curve.size() - 1).trainSeconds());
      top = Math.max(top, run.bestValidationAccuracy());
    }
    for (double goal : thresholds) {
      XYSeries line = chart.addSeries(String.format(Locale.ROOT, "%s", percent(goal)), List.of(0.0, end), List.of(goal, goal));
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(java.awt.Color.GRAY);
      line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
    }
    var style = chart.getStyler();
    // the interesting part is the approach to the thresholds; the first checks start far below
    style.setYAxisMin(thresholds.get(0) - 0.015);
    style.setYAxisMax(Math.min(1.0, top + 0.002));
    style.setXAxisMin(0.0);
    style.setYAxisDecimalPattern("0.000");
    style.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    BitmapEncoder.saveBitmap(chart, png.toString().substring(0, png.toString().length() - 4), BitmapEncoder.BitmapFormat.PNG);
  }

  private static final java.awt.Color[] PALETTE = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xd62728),
      new java.awt.Color(0x2ca02c), new java.awt.Color(0xff7f0e), new java.awt.Color(0x9467bd), new java.awt.Color(0x8c564b),
      new java.awt.Color(0xe377c2), new java.awt.Color(0x7f7f7f)};

  private static CategoryChart category(String title, String yTitle, String numberPattern) {
    CategoryChart c = new CategoryChartBuilder().width(800).height(650).title(title).xAxisTitle("configuration")
        .yAxisTitle(yTitle).build();
    var style = c.getStyler();
    style.setLabelsVisible(true);
    // upright: at a slant, labels of 15 or more bars overlap and the chart drops some of them
    style.setXAxisLabelRotation(90);
    style.setLegendVisible(false);
    style.setDecimalPattern(numberPattern);
    return c;
  }
}
