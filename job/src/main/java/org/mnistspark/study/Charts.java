package org.mnistspark.study;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

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
    chart.setCustomYAxisTickLabelsFormatter(y -> String.format(Locale.ROOT, "%.1f%%", y * 100));
    for (ScalingSummary x : s.scalings()) {
      add(chart, x, x.validationAccuracy());
    }
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** Train loss against epoch, on a log axis. */
  public static byte[] loss(StudySummary s) throws IOException {
    XYChart chart = chart(s, "Train loss per epoch (log scale)", "Train loss (mean over the epoch)");
    chart.getStyler().setYAxisLogarithmic(true);
    // decades only: labelling every minor tick crowded the axis and rounded 0.0005 to "0"
    chart.getStyler().setYAxisLogarithmicDecadeOnly(true);
    chart.getStyler().setYAxisDecimalPattern("0.####");
    double low = Double.POSITIVE_INFINITY;
    double high = 0;
    for (ScalingSummary x : s.scalings()) {
      add(chart, x, x.trainLoss());
      for (Band b : x.trainLoss()) {
        low = plottable(b.min()) ? Math.min(low, b.min()) : low;
        high = plottable(b.max()) ? Math.max(high, b.max()) : high;
      }
    }
    if (high > 0) {
      // end the axis on labelled values (1, 2 or 5 x 10^k), so the highest and lowest points can be read
      chart.getStyler().setYAxisMin(niceBelow(low));
      chart.getStyler().setYAxisMax(niceAbove(high));
    }
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** The largest of 1, 2, 5 x 10^k at or below {@code v > 0}. */
  static double niceBelow(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {5, 2, 1}) {
      if (m * decade <= v * (1 + 1e-12)) {
        return m * decade;
      }
    }
    return decade;
  }

  /** The smallest of 1, 2, 5 x 10^k at or above {@code v > 0}. */
  static double niceAbove(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * decade >= v * (1 - 1e-12)) {
        return m * decade;
      }
    }
    return 10 * decade;
  }

  private static XYChart chart(StudySummary s, String title, String yTitle) {
    int seeds = s.minSeeds();
    String subtitle = s.plan().dataset() + ", " + (seeds == 1 ? "1 seed" : "mean of " + seeds + " seeds, band: min–max");
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(title + " — " + subtitle).xAxisTitle("Epoch").yAxisTitle(yTitle).build();
    Styler st = chart.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setChartTitleBoxVisible(false);
    // below the plot, where no curve can hide behind it
    st.setLegendPosition(Styler.LegendPosition.OutsideS);
    st.setLegendLayout(Styler.LegendLayout.Horizontal);
    st.setLegendBorderColor(Color.WHITE);
    st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    chart.getStyler().setPlotGridLinesColor(new Color(0xE0, 0xE0, 0xE0));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int epochs = s.scalings().stream().mapToInt(ScalingSummary::epochs).max().orElse(1);
    chart.getStyler().setXAxisMin(1.0);
    chart.getStyler().setXAxisMax((double) Math.max(2, epochs));
    // whole epochs only: XChart may place ticks between them
    chart.setCustomXAxisTickLabelsFormatter(wholeNumbers());
    return chart;
  }

  private static Function<Double, String> wholeNumbers() {
    return x -> Math.abs(x - Math.rint(x)) < 1e-9 ? String.valueOf(Math.round(x)) : "";
  }

  /** The mean line and, with two or more seeds, the min–max band of one scaling. */
  private static void add(XYChart chart, ScalingSummary x, List<Band> bands) {
    Color color = COLORS.getOrDefault(x.scaling(), Color.DARK_GRAY);
    List<Double> epochs = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    for (int e = 0; e < bands.size(); e++) {
      if (plottable(bands.get(e).mean())) {
        epochs.add(e + 1.0);
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
          px.add(e + 1.0);
          py.add(bands.get(e).max());
        }
      }
      for (int e = bands.size() - 1; e >= 0; e--) {
        if (plottable(bands.get(e).min())) {
          px.add(e + 1.0);
          py.add(bands.get(e).min());
        }
      }
      XYSeries band = chart.addSeries(x.scaling() + " min–max", px, py);
      band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
      band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 50));
      band.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0));
      band.setMarker(SeriesMarkers.NONE);
      band.setShowInLegend(false);
    }
    XYSeries line = chart.addSeries(legend(x), epochs, means);
    line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    line.setLineColor(color);
    line.setLineStyle(new BasicStroke(2.5f));
    line.setMarker(SeriesMarkers.CIRCLE);
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
