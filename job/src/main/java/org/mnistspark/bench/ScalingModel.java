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
 * @param thresholds the validation accuracies the time is predicted for
 */
record ScalingModel(double fitMillisPerRound, int imagesPerRound, List<Double> thresholds, List<Point> points) {

  /**
   * What was measured at one executor count.
   *
   * @param roundMillis a round on that many executors with the fit replaced by a wait of {@code standInMillis}
   * @param imagesToThresholds per threshold, training images fitted before validation first reached
   *     it with that many workers; null where it never did
   * @param testAccuracy that run's test accuracy
   */
  record Measured(int executors, double roundMillis, double standInMillis, List<Long> imagesToThresholds,
      double testAccuracy) {}

  /** A predicted point; a threshold's seconds are null where the run did not reach it. */
  record Point(int executors, double overheadMillis, double samplesPerSecond, List<Double> secondsToThresholds,
      List<Long> imagesToThresholds, double testAccuracy) {
    /** samples/s over N times one executor's: 1 is perfect scaling. */
    double efficiency(Point one) {
      return samplesPerSecond / (executors * one.samplesPerSecond / one.executors);
    }
  }

  static ScalingModel of(double fitMillisPerRound, int imagesPerRound, List<Double> thresholds, List<Measured> measured) {
    if (!(fitMillisPerRound > 0) || imagesPerRound <= 0 || measured.isEmpty()) {
      throw new IllegalArgumentException("a scaling model needs a fit time > 0, images per round > 0 and a measured point");
    }
    List<Point> points = new ArrayList<>();
    for (Measured m : measured.stream().sorted(Comparator.comparingInt(Measured::executors)).toList()) {
      // the wait stood in for the fit; what is left is Spark's, and never less than nothing
      double overhead = Math.max(0, m.roundMillis() - m.standInMillis());
      double samplesPerSecond = m.executors() * imagesPerRound / ((fitMillisPerRound + overhead) / 1000);
      List<Double> seconds = m.imagesToThresholds().stream().map(i -> i == null ? null : i / samplesPerSecond).toList();
      points.add(new Point(m.executors(), overhead, samplesPerSecond, seconds, m.imagesToThresholds(), m.testAccuracy()));
    }
    return new ScalingModel(fitMillisPerRound, imagesPerRound, thresholds, points);
  }

  String markdown() {
    Point one = points.get(0);
    StringBuilder md = new StringBuilder("| executors | Spark per round ms | predicted samples/s | scaling efficiency |");
    StringBuilder rule = new StringBuilder("|---|---|---|---|");
    for (double t : thresholds) {
      md.append(" images to ").append(percent(t)).append(" | predicted s to ").append(percent(t)).append(" |");
      rule.append("---|---|");
    }
    md.append(" test accuracy |\n").append(rule).append("---|\n");
    for (Point p : points) {
      md.append(String.format(Locale.ROOT, "| %d | %.0f | %,.0f | %.0f%% |", p.executors(), p.overheadMillis(),
          p.samplesPerSecond(), 100 * p.efficiency(one)));
      for (int i = 0; i < thresholds.size(); i++) {
        Long images = p.imagesToThresholds().get(i);
        Double seconds = p.secondsToThresholds().get(i);
        md.append(images == null ? " not reached | - |" : String.format(Locale.ROOT, " %,d | %.0f |", images, seconds));
      }
      md.append(String.format(Locale.ROOT, " %.4f |%n", p.testAccuracy()));
    }
    return md.toString();
  }

  /**
   * Two panels: predicted samples/s against executors with perfect scaling for reference, and
   * predicted seconds to each threshold with {@code baselineSeconds} (the best single-JVM
   * baseline, per threshold) as flat lines of the same colour.
   */
  byte[] png(List<Double> baselineSeconds) throws java.io.IOException {
    List<Double> executors = points.stream().map(p -> (double) p.executors()).toList();
    XYChart speed = ChartStyle.xy(700, 480, "Samples/s against executors (predicted)", "executors", "samples/s");
    Point one = points.get(0);
    line(speed, "perfect scaling", executors, executors.stream().map(n -> n * one.samplesPerSecond() / one.executors()).toList(),
        java.awt.Color.GRAY);
    line(speed, "round costs + fit", executors, points.stream().map(Point::samplesPerSecond).toList(),
        new java.awt.Color(0x1f77b4));
    XYChart time = ChartStyle.xy(700, 480, "Seconds to validation accuracy (predicted; no point: not reached)", "executors",
        "training seconds");
    for (int i = 0; i < thresholds.size(); i++) {
      int t = i;
      java.awt.Color color = i == 0 ? new java.awt.Color(0xff7f0e) : new java.awt.Color(0xd62728);
      List<Point> reached = points.stream().filter(p -> p.secondsToThresholds().get(t) != null).toList();
      if (!reached.isEmpty()) {
        line(time, "job to " + percent(thresholds.get(i)), reached.stream().map(p -> (double) p.executors()).toList(),
            reached.stream().map(p -> p.secondsToThresholds().get(t)).toList(), color);
      }
      if (baselineSeconds.get(i) != null) {
        XYSeries base = line(time, "1 JVM to " + percent(thresholds.get(i)), executors,
            executors.stream().map(n -> baselineSeconds.get(t)).toList(), color);
        base.setMarker(SeriesMarkers.NONE);
        base.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10,
            new float[] {6, 4}, 0));
      }
    }
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
