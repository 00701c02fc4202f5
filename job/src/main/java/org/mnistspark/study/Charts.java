package org.mnistspark.study;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.report.ChartStyle;
import org.mnistspark.report.LogAxis;

/**
 * The study's two plots, drawn with XChart as PNG bytes: one line per scaling (the mean over
 * seeds) with a translucent min–max band over seeds. Pure: no Spark, no files.
 */
public final class Charts {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;

  /** Fixed colours, so a scaling looks the same in both plots and in every study. */
  private static final Map<String, Color> COLORS = Map.of(
      "none", new Color(0xD6, 0x27, 0x28),
      "minmax", new Color(0x1F, 0x77, 0xB4),
      "standardize", new Color(0x2C, 0xA0, 0x2C));
  private static final String[] LEGEND = {"none", "raw 0..255", "minmax", "x/255", "standardize", "(x-mean)/std"};

  private Charts() {}

  /** Validation accuracy against epoch. */
  public static byte[] accuracy(StudySummary s) throws IOException {
    XYChart chart = chart(s, "Validation accuracy per epoch", "Validation accuracy");
    ChartStyle.percentY(chart);
    for (ScalingSummary x : s.scalings()) {
      add(chart, x, x.validationAccuracy());
    }
    return ChartStyle.png(chart);
  }

  /** Train loss (mean over each epoch) and validation loss (after it) against epoch, on a log axis. */
  public static byte[] loss(StudySummary s) throws IOException {
    XYChart chart = chart(s, "Loss per epoch (log scale)", "Cross-entropy: train (mean over the epoch), validation (dashed)");
    for (ScalingSummary x : s.scalings()) {
      add(chart, x, x.trainLoss());
      add(chart, x, epochAxis(x.validationLoss().size()), x.validationLoss(), x.scaling() + " validation", true);
    }
    LogAxis.fit(chart);
    return ChartStyle.png(chart);
  }

  /**
   * Validation accuracy at every check against {@code axis}: images fitted (thousands) or training
   * seconds, so that scalings are compared by data seen and by time spent.
   */
  public static byte[] curve(StudySummary s, CurveAxis axis) throws IOException {
    XYChart chart = chart(s, "Validation accuracy at every check", "Validation accuracy");
    chart.setXAxisTitle(axis.title);
    chart.getStyler().setXAxisMin(null);
    chart.getStyler().setXAxisMax(null);
    chart.setCustomXAxisTickLabelsFormatter(v -> String.format(Locale.ROOT, axis.format, v));
    ChartStyle.percentY(chart);
    double low = 1;
    for (ScalingSummary x : s.scalings()) {
      List<Double> xs = x.checks().stream().map(c -> axis == CurveAxis.IMAGES ? c.images() / 1e3 : c.seconds()).toList();
      List<Band> acc = x.checks().stream().map(ScalingSummary.Check::accuracy).toList();
      add(chart, x, xs, acc, legend(x), false);
      low = Math.min(low, acc.stream().skip(Math.min(2, acc.size() - 1)).mapToDouble(Band::min).min().orElse(1));
    }
    // the first checks (near 90%) would squash where the scalings differ
    chart.getStyler().setYAxisMin(Math.floor(low * 100) / 100);
    chart.getStyler().setYAxisMax(1.0);
    return ChartStyle.png(chart);
  }

  /** The x axis of {@link #curve}. */
  public enum CurveAxis {
    IMAGES("Training images fitted (thousands)", "%.0f"),
    SECONDS("Training seconds (validation excluded)", "%.0f");

    private final String title;
    private final String format;

    CurveAxis(String title, String format) {
      this.title = title;
      this.format = format;
    }
  }

  private static List<Double> epochAxis(int epochs) {
    List<Double> xs = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      xs.add((double) e);
    }
    return xs;
  }

  private static XYChart chart(StudySummary s, String title, String yTitle) {
    int seeds = s.minSeeds();
    String subtitle = s.plan().dataset() + ", " + (seeds == 1 ? "1 seed" : "mean of " + seeds + " seeds, band: min–max");
    XYChart chart = ChartStyle.xy(WIDTH, HEIGHT, title + " — " + subtitle, "Epoch", yTitle);
    int epochs = s.scalings().stream().mapToInt(ScalingSummary::epochs).max().orElse(1);
    chart.getStyler().setXAxisMin(1.0);
    chart.getStyler().setXAxisMax((double) Math.max(2, epochs));
    chart.setCustomXAxisTickLabelsFormatter(ChartStyle.wholeNumbers());
    return chart;
  }

  /** The mean line and, with two or more seeds, the min–max band of one scaling, one point per epoch. */
  private static void add(XYChart chart, ScalingSummary x, List<Band> bands) {
    add(chart, x, epochAxis(bands.size()), bands, legend(x), false);
  }

  /**
   * The mean line of {@code bands} at {@code xs} and, with two or more seeds, their min–max band;
   * dashed for a second quantity of the same scaling (validation loss beside train loss).
   */
  private static void add(XYChart chart, ScalingSummary x, List<Double> xs, List<Band> bands, String name,
      boolean dashed) {
    Color color = COLORS.getOrDefault(x.scaling(), Color.DARK_GRAY);
    List<Double> epochs = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    for (int e = 0; e < bands.size(); e++) {
      if (plottable(bands.get(e).mean())) {
        epochs.add(xs.get(e));
        means.add(bands.get(e).mean());
      }
    }
    if (means.isEmpty()) {
      return; // e.g. a diverged run whose loss is NaN: nothing to draw, the report's tables still show it
    }
    if (x.seeds().size() > 1) {
      // a closed polygon: along the maxima, back along the minima
      List<Double> px = new ArrayList<>();
      List<Double> py = new ArrayList<>();
      for (int e = 0; e < bands.size(); e++) {
        if (plottable(bands.get(e).max())) {
          px.add(xs.get(e));
          py.add(bands.get(e).max());
        }
      }
      for (int e = bands.size() - 1; e >= 0; e--) {
        if (plottable(bands.get(e).min())) {
          px.add(xs.get(e));
          py.add(bands.get(e).min());
        }
      }
      XYSeries band = chart.addSeries(name + " min–max", px, py);
      band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
      band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 50));
      band.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0));
      band.setMarker(SeriesMarkers.NONE);
      band.setShowInLegend(false);
    }
    XYSeries line = chart.addSeries(name, epochs, means);
    line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    line.setLineColor(color);
    line.setLineStyle(dashed
        ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f)
        : new BasicStroke(2.5f));
    line.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    line.setMarkerColor(color);
  }

  private static String legend(ScalingSummary x) {
    String name = x.scaling();
    for (int i = 0; i < LEGEND.length; i += 2) {
      if (LEGEND[i].equals(name)) {
        name += " (" + LEGEND[i + 1] + ")";
      }
    }
    return name;
  }

  /** Finite and, for the log axis, positive. */
  private static boolean plottable(double v) {
    return Double.isFinite(v) && v > 0;
  }
}
