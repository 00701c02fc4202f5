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

  /** The targets: samples/s ratio, time-to-target ratio, outside-fit share of a round. */
  static final double THROUGHPUT_TARGET = 1.5;
  static final double TIME_TARGET = 0.6;
  static final double OVERHEAD_TARGET = 0.10;

  private BenchReport() {}

  /** The comparison in three lines, for the console. */
  static String summary(BenchResults r) {
    BenchResults.Comparison c = r.comparison();
    return String.format(Locale.ROOT, "default %s: %.2fx the samples/s of the fastest baseline (%s); time to %.1f%% validation %s; "
            + "outside fit %s of a round",
        c.defaultRun(), c.throughputRatio(), c.fastestBaseline(), 100 * c.target(),
        c.timeToTargetRatio() == null ? "not comparable (a run did not reach it)"
            : String.format(Locale.ROOT, "%.2fx the quickest baseline (%s)", c.timeToTargetRatio(), c.quickestBaseline()),
        c.outsideFitShare() == null ? "-" : percent(c.outsideFitShare()));
  }

  static String markdown(BenchResults r) {
    StringBuilder md = new StringBuilder("# Benchmark: Spark parameter averaging vs plain DL4J fit\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %s, %s cores, %s GiB, %s; load average %.2f at the start; started %s.%n%n",
        r.machine().get("cpu"), r.machine().get("cores"), r.machine().get("memoryGiB"), r.machine().get("java"),
        ((Number) r.machine().get("loadAverageAtStart")).doubleValue(), r.machine().get("startedAt")));
    md.append(String.format(Locale.ROOT, "Same model, seed, data split and scaling (%s) for every row, all in this one run. "
            + "Spark runs on %s; plain fit runs in the same JVM without Spark. Seconds are training seconds: the clock stops "
            + "while validating, for every row alike. Validation (%s images) is checked %s times per epoch.%n%n",
        r.settings().get("scaling"), r.settings().get("master"), validationImages(r), r.settings().get("validations-per-epoch")));
    targets(md, r);
    md.append(String.format(Locale.ROOT, "%n## Time to %.1f%% validation accuracy (full training split)%n%n", 100 * r.comparison().target()));
    md.append(String.format(Locale.ROOT, "Each row trains until validation accuracy first reaches the target, or for %s epochs; "
            + "rows after the default also stop after %sx the default's training seconds to the target (\"not reached\" then means "
            + "at least that much slower). Test accuracy is on the 10k test set when the run stopped.%n%n",
        r.settings().get("max-epochs"), r.settings().get("time-limit-factor")));
    md.append("| configuration | seconds to target | epochs to target | best validation | samples/s | test accuracy | peak RSS MiB | round ms | fit ms/round (mean over workers) | outside fit |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (BenchResults.Run run : phase(r, BenchResults.TIME_TO_ACCURACY)) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f | %.0f | %.4f | %d | %s |%n", run.label(),
          run.secondsToTarget() == null ? "not reached" : String.format(Locale.ROOT, "%.1f", run.secondsToTarget()),
          run.epochsToTarget() == null ? "-" : String.format(Locale.ROOT, "%.2f", run.epochsToTarget()),
          run.bestValidationAccuracy(), run.samplesPerSecond(), run.testAccuracy(), run.peakRssMiB(), rounds(run.rounds())));
    }
    md.append("\n![validation accuracy against training seconds](time-to-accuracy.png)\n");
    md.append(String.format(Locale.ROOT, "%n## Throughput (first %s images of the training split, 2 epochs; samples/s of the second)%n%n",
        r.settings().get("throughput-images")));
    md.append("| configuration | samples/s | GFLOP/s | test accuracy | peak RSS MiB | round ms | fit ms/round | outside fit |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (BenchResults.Run run : phase(r, BenchResults.THROUGHPUT)) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.4f | %d | %s |%n", run.label(), run.samplesPerSecond(),
          run.samplesPerSecond() * MFLOP_PER_SAMPLE / 1000, run.testAccuracy(), run.peakRssMiB(), rounds(run.rounds())));
    }
    md.append("\n![samples/s and test accuracy per configuration](throughput.png)\n");
    return md.toString();
  }

  private static void targets(StringBuilder md, BenchResults r) {
    BenchResults.Comparison c = r.comparison();
    md.append("| target | measured | |\n|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| default samples/s >= %.1fx the fastest baseline (%s) | %.2fx | %s |%n",
        THROUGHPUT_TARGET, c.fastestBaseline(), c.throughputRatio(), verdict(c.throughputRatio() >= THROUGHPUT_TARGET)));
    md.append(String.format(Locale.ROOT, "| time to %.1f%% <= %.1fx the quickest baseline (%s) | %s | %s |%n", 100 * c.target(),
        TIME_TARGET, c.quickestBaseline() == null ? "none reached it" : c.quickestBaseline(),
        c.timeToTargetRatio() == null ? "-" : String.format(Locale.ROOT, "%.2fx", c.timeToTargetRatio()),
        c.timeToTargetRatio() == null ? "not comparable" : verdict(c.timeToTargetRatio() <= TIME_TARGET)));
    md.append(String.format(Locale.ROOT, "| outside-fit time < %.0f%% of a round | %s | %s |%n", 100 * OVERHEAD_TARGET,
        c.outsideFitShare() == null ? "-" : percent(c.outsideFitShare()),
        c.outsideFitShare() == null ? "-" : verdict(c.outsideFitShare() < OVERHEAD_TARGET)));
    r.runs().stream().filter(x -> x.phase().equals(BenchResults.TIME_TO_ACCURACY) && x.label().equals(c.defaultRun())
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

  /** Validation accuracy against training seconds, one line per time-to-accuracy run, with the target as a dashed line. */
  static void writeTimeToAccuracyChart(BenchResults r, Path png) throws Exception {
    double goal = r.comparison().target();
    XYChart chart = new XYChartBuilder().width(1000).height(600)
        .title(String.format(Locale.ROOT, "Time to %.1f%% validation accuracy (full training split)", 100 * goal))
        .xAxisTitle("training seconds (validation excluded)").yAxisTitle("validation accuracy").build();
    double low = goal;
    double end = 0;
    for (BenchResults.Run run : phase(r, BenchResults.TIME_TO_ACCURACY)) {
      List<ValidationPoint> curve = run.curve();
      if (curve.isEmpty()) {
        continue;
      }
      XYSeries s = chart.addSeries(run.label(), curve.stream().map(ValidationPoint::trainSeconds).toList(),
          curve.stream().map(ValidationPoint::accuracy).toList());
      s.setMarker(SeriesMarkers.CIRCLE);
      low = Math.min(low, curve.get(0).accuracy());
      end = Math.max(end, curve.get(curve.size() - 1).trainSeconds());
    }
    XYSeries line = chart.addSeries(String.format(Locale.ROOT, "target %.1f%%", 100 * goal), List.of(0.0, end), List.of(goal, goal));
    line.setMarker(SeriesMarkers.NONE);
    line.setLineColor(java.awt.Color.GRAY);
    line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
    var style = chart.getStyler();
    // the interesting part is the approach to the target; the first quarter epoch starts far below
    style.setYAxisMin(Math.max(low, goal - 0.03));
    style.setYAxisMax(Math.min(1.0, goal + 0.006));
    style.setXAxisMin(0.0);
    style.setYAxisDecimalPattern("0.000");
    style.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    BitmapEncoder.saveBitmap(chart, png.toString().substring(0, png.toString().length() - 4), BitmapEncoder.BitmapFormat.PNG);
  }

  private static CategoryChart category(String title, String yTitle, String numberPattern) {
    CategoryChart c = new CategoryChartBuilder().width(800).height(500).title(title).xAxisTitle("configuration")
        .yAxisTitle(yTitle).build();
    var style = c.getStyler();
    style.setLabelsVisible(true);
    style.setXAxisLabelRotation(30);
    style.setLegendVisible(false);
    style.setDecimalPattern(numberPattern);
    return c;
  }
}
