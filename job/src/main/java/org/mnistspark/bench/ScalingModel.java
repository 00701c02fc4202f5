package org.mnistspark.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.report.ChartStyle;

/**
 * The resident trainer's samples/s and time to a validation accuracy at executor counts a 2-core
 * machine cannot run side by side, predicted from three measured parts:
 * <ul>
 *   <li>a worker's fit per round on its own core (a run with one worker per core);</li>
 *   <li>what Spark adds to a round at each executor count, measured on a standalone cluster of that
 *       many executor JVMs with the fit replaced by a wait ({@code bench --round-costs});</li>
 *   <li>the training images needed to reach the accuracy with that many workers, from runs with that
 *       many partitions: images, not seconds, so that the cores they shared do not matter.</li>
 * </ul>
 * A round then takes fit + overhead(N) and fits N x images-per-round images. Validation, loading and
 * the JVMs' start are left out, as in the benchmark's training seconds.
 *
 * @param fitMillisPerRound a worker's fit per round on its own core
 * @param imagesPerRound images one worker fits per round (batch size x averaging frequency)
 * @param threshold the validation accuracy the time is predicted for
 */
record ScalingModel(double fitMillisPerRound, int imagesPerRound, double threshold, List<Point> points) {

  /**
   * What was measured at one executor count.
   *
   * @param roundMillis a round on that many executors with the fit replaced by a wait of {@code standInMillis}
   * @param imagesToThreshold training images fitted before validation first reached the threshold
   *     with that many workers; null if it never did
   * @param testAccuracy that run's test accuracy
   */
  record Measured(int executors, double roundMillis, double standInMillis, Long imagesToThreshold, double testAccuracy) {}

  /** A predicted point; {@code secondsToThreshold} is null where the run did not reach the threshold. */
  record Point(int executors, double overheadMillis, double samplesPerSecond, Double secondsToThreshold,
      Long imagesToThreshold, double testAccuracy) {
    /** samples/s over N times one executor's: 1 is perfect scaling. */
    double efficiency(Point one) {
      return samplesPerSecond / (executors * one.samplesPerSecond / one.executors);
    }
  }

  static ScalingModel of(double fitMillisPerRound, int imagesPerRound, double threshold, List<Measured> measured) {
    if (!(fitMillisPerRound > 0) || imagesPerRound <= 0 || measured.isEmpty()) {
      throw new IllegalArgumentException("a scaling model needs a fit time > 0, images per round > 0 and a measured point");
    }
    List<Point> points = new ArrayList<>();
    for (Measured m : measured.stream().sorted(Comparator.comparingInt(Measured::executors)).toList()) {
      // the wait stood in for the fit; what is left is Spark's, and never less than nothing
      double overhead = Math.max(0, m.roundMillis() - m.standInMillis());
      double samplesPerSecond = m.executors() * imagesPerRound / ((fitMillisPerRound + overhead) / 1000);
      Double seconds = m.imagesToThreshold() == null ? null : m.imagesToThreshold() / samplesPerSecond;
      points.add(new Point(m.executors(), overhead, samplesPerSecond, seconds, m.imagesToThreshold(), m.testAccuracy()));
    }
    return new ScalingModel(fitMillisPerRound, imagesPerRound, threshold, points);
  }

  String markdown() {
    Point one = points.get(0);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
        "| executors | Spark per round ms | predicted samples/s | scaling efficiency | images to %s | predicted s to %s | test accuracy |%n",
        percent(threshold), percent(threshold)));
    md.append("|---|---|---|---|---|---|---|\n");
    for (Point p : points) {
      md.append(String.format(Locale.ROOT, "| %d | %.0f | %,.0f | %.0f%% | %s | %s | %.4f |%n", p.executors(), p.overheadMillis(),
          p.samplesPerSecond(), 100 * p.efficiency(one),
          p.imagesToThreshold() == null ? "not reached" : String.format(Locale.ROOT, "%,d", p.imagesToThreshold()),
          p.secondsToThreshold() == null ? "-" : String.format(Locale.ROOT, "%.0f", p.secondsToThreshold()), p.testAccuracy()));
    }
    return md.toString();
  }

  /**
   * Two panels: predicted samples/s against executors with perfect scaling for reference, and
   * predicted seconds to the threshold with {@code baselineSeconds} (one JVM on one core) as a line.
   */
  byte[] png(double baselineSeconds) throws java.io.IOException {
    List<Double> executors = points.stream().map(p -> (double) p.executors()).toList();
    XYChart speed = ChartStyle.xy(700, 480, "Samples/s against executors (predicted)", "executors", "samples/s");
    Point one = points.get(0);
    line(speed, "perfect scaling", executors, executors.stream().map(n -> n * one.samplesPerSecond() / one.executors()).toList(),
        java.awt.Color.GRAY);
    line(speed, "measured round costs + fit", executors, points.stream().map(Point::samplesPerSecond).toList(),
        new java.awt.Color(0x1f77b4));
    List<Point> reached = points.stream().filter(p -> p.secondsToThreshold() != null).toList();
    XYChart time = ChartStyle.xy(700, 480, "Training seconds to " + percent(threshold) + " validation (predicted)", "executors",
        "seconds");
    if (!reached.isEmpty()) {
      line(time, "Spark job", reached.stream().map(p -> (double) p.executors()).toList(),
          reached.stream().map(Point::secondsToThreshold).toList(), new java.awt.Color(0xd62728));
    }
    line(time, "best single JVM, one core (benchmark median)", executors, executors.stream().map(n -> baselineSeconds).toList(),
        java.awt.Color.GRAY).setMarker(SeriesMarkers.NONE);
    for (XYChart c : List.of(speed, time)) {
      c.getStyler().setXAxisMin(0.0).setYAxisMin(0.0);
      c.setCustomXAxisTickLabelsFormatter(ChartStyle.wholeNumbers());
    }
    java.awt.image.BufferedImage left = org.knowm.xchart.BitmapEncoder.getBufferedImage(speed);
    java.awt.image.BufferedImage right = org.knowm.xchart.BitmapEncoder.getBufferedImage(time);
    java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(left.getWidth() + right.getWidth(),
        Math.max(left.getHeight(), right.getHeight()), java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = both.createGraphics();
    g.drawImage(left, 0, 0, null);
    g.drawImage(right, left.getWidth(), 0, null);
    g.dispose();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(both, "png", bytes);
    return bytes.toByteArray();
  }

  private static XYSeries line(XYChart chart, String name, List<Double> x, List<Double> y, java.awt.Color color) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineColor(color);
    s.setMarkerColor(color);
    return s;
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
