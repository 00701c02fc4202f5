package org.mnistspark.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The benchmark's human-readable side: a Markdown table and a two-panel PNG. */
final class BenchReport {
  /** Training cost of the LeNet per sample: about 13 MFLOP forward, three times that with backprop. */
  static final double MFLOP_PER_SAMPLE = 39;
  /** The bound quoted in the benchmark issue for two cores with FMA. */
  static final double BOUND_SAMPLES_PER_SECOND = 4000;

  private BenchReport() {}

  static String markdown(BenchResults r) {
    StringBuilder md = new StringBuilder("# Benchmark: Spark parameter averaging vs plain DL4J fit\n\n");
    md.append(String.format(Locale.ROOT, "Machine: %s, %s cores, %s GiB, %s; measured %s.%n%n",
        r.machine().get("cpu"), r.machine().get("cores"), r.machine().get("memoryGiB"), r.machine().get("java"),
        r.machine().get("measuredAt")));
    md.append(String.format(Locale.ROOT,
        "Same data, model and seed for every row: %s training images, %s epochs, scaling %s, master %s. "
            + "samples/s is the median of the epochs after the first; test accuracy is on the 10k test set after the "
            + "last epoch; peak RSS is the process's resident peak during that row (ND4J's off-heap included).%n%n",
        r.runs().get(0).trainImages(), r.settings().get("epochs"), r.settings().get("scaling"), r.settings().get("master")));
    md.append("| configuration | samples/s | s/epoch | test accuracy | peak RSS MiB | round ms | fit ms/round | outside fit ms/round | broadcast ms | repartition ms |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (BenchResults.Run run : r.runs()) {
      BenchResults.RoundOverhead o = run.overhead();
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.4f | %d | %s | %s | %s | %s | %s |%n", run.label(),
          run.samplesPerSecond(), run.trainImages() / run.samplesPerSecond(), run.testAccuracy(), run.peakRssMiB(),
          o == null ? "-" : fmt(o.roundMillis()), o == null ? "-" : fmt(o.computeMillis()),
          o == null ? "-" : fmt(o.outsideFitMillis()) + String.format(Locale.ROOT, " (%.0f%%)", 100 * o.outsideFitMillis() / o.roundMillis()),
          o == null ? "-" : fmt(o.broadcastMillis()), o == null ? "-" : fmt(o.repartitionMillis())));
    }
    BenchResults.Comparison c = r.comparison();
    BenchResults.Run job = r.runs().stream().filter(x -> x.label().equals(c.defaultRun())).findFirst().orElseThrow();
    md.append(String.format(Locale.ROOT, "%n**Default configuration (%s): %.0f samples/s, %.2fx the same-batch baseline "
            + "(%s) and %.2fx the fastest baseline (%s).**%n%n",
        c.defaultRun(), job.samplesPerSecond(), c.ratioToSameBatchBaseline(), c.sameBatchBaseline(),
        c.ratioToFastestBaseline(), c.fastestBaseline()));
    md.append(String.format(Locale.ROOT, "Compute: %.0f samples/s x %.0f MFLOP = %.1f GFLOP/s, %.0f%% of the ~%.0f samples/s "
            + "that two FMA cores bound this model near.%n%n",
        job.samplesPerSecond(), MFLOP_PER_SAMPLE, job.samplesPerSecond() * MFLOP_PER_SAMPLE / 1000,
        100 * job.samplesPerSecond() / BOUND_SAMPLES_PER_SECOND, BOUND_SAMPLES_PER_SECOND));
    BenchResults.DataPath d = r.dataPath();
    md.append(String.format(Locale.ROOT, "Data path, measured on its own: scaling and batching %d images took %.2f s and "
            + "a Kryo round trip of the batches %.2f s, single-threaded; spread over the workers that is %.1f%% of "
            + "the default configuration's epoch.%n%n",
        d.images(), d.assembleSeconds(), d.kryoRoundTripSeconds(), 100 * d.shareOfEpoch()));
    md.append("![samples/s and test accuracy per configuration](throughput.png)\n");
    return md.toString();
  }

  static void writeChart(BenchResults r, Path png) throws Exception {
    List<String> labels = r.runs().stream().map(BenchResults.Run::label).toList();
    CategoryChart speed = chart("Training throughput", "samples/s", "#,##0");
    speed.addSeries("samples/s", labels, r.runs().stream().map(BenchResults.Run::samplesPerSecond).toList());
    CategoryChart accuracy = chart("Test accuracy after " + r.settings().get("epochs") + " epochs", "accuracy", "0.000");
    accuracy.addSeries("test accuracy", labels, r.runs().stream().map(BenchResults.Run::testAccuracy).toList());
    double low = r.runs().stream().mapToDouble(BenchResults.Run::testAccuracy).min().orElse(0);
    accuracy.getStyler().setYAxisMin(Math.max(0, Math.floor(low * 100 - 1) / 100)).setYAxisMax(1.0);
    String file = png.toString();
    BitmapEncoder.saveBitmap(List.of(speed, accuracy), 1, 2, file.substring(0, file.length() - 4), BitmapEncoder.BitmapFormat.PNG);
  }

  private static CategoryChart chart(String title, String yTitle, String numberPattern) {
    CategoryChart c = new CategoryChartBuilder().width(800).height(500).title(title).xAxisTitle("configuration")
        .yAxisTitle(yTitle).build();
    var style = c.getStyler();
    style.setLabelsVisible(true);
    style.setXAxisLabelRotation(30);
    style.setLegendVisible(false);
    style.setDecimalPattern(numberPattern);
    return c;
  }

  private static String fmt(double millis) {
    return String.format(Locale.ROOT, "%.0f", millis);
  }
}
