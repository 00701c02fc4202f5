package org.mnistspark.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/** The look the reports' line charts share (XChart), so a study's and a run's plots read alike. */
public final class ChartStyle {
  private ChartStyle() {}

  /** An empty line chart in the shared style. */
  public static XYChart xy(int width, int height, String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    apply(chart.getStyler());
    return chart;
  }

  /** White, with the legend below the plot, where no curve can hide behind it. */
  public static void apply(AxesChartStyler st) {
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setChartTitleBoxVisible(false);
    st.setLegendPosition(Styler.LegendPosition.OutsideS);
    st.setLegendLayout(Styler.LegendLayout.Horizontal);
    st.setLegendBorderColor(Color.WHITE);
    st.setChartTitleFont(titleFont(16));
    st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    st.setPlotGridLinesColor(new Color(0xE0, 0xE0, 0xE0));
    st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
  }

  public static Font titleFont(int points) {
    return new Font(Font.SANS_SERIF, Font.BOLD, points);
  }

  /** The title font of the first of {@code points} at which {@code text} is at most {@code width} pixels wide; null if none. */
  public static Font largestFitting(String text, int width, int... points) {
    for (int p : points) {
      Font font = titleFont(p);
      if (textWidth(text, font) <= width) {
        return font;
      }
    }
    return null;
  }

  /** How many pixels {@code text} takes in {@code font}, as a chart draws it. */
  public static int textWidth(String text, Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      return g.getFontMetrics(font).stringWidth(text);
    } finally {
      g.dispose();
    }
  }

  /**
   * Tick labels as percentages with one decimal: 0.987 -> "98.7%". Every tick needs a distinct
   * label: XChart 3.8.8 looks for tick spacings that give one forever when two labels are equal.
   */
  public static void percentY(Chart<?, ?> chart) {
    chart.setCustomYAxisTickLabelsFormatter(y -> String.format(Locale.ROOT, "%.1f%%", y * 100));
  }

  /**
   * Percent tick labels ({@link #percentY}) on a y axis from just below {@code low} to just above
   * {@code high}, in half-percent steps and never past 0 or 100%, so the curves fill the plot and
   * no point is clipped.
   */
  public static void fitPercentY(Chart<? extends AxesChartStyler, ?> chart, double low, double high) {
    percentY(chart);
    double pad = Math.max(0.001, (high - low) * 0.04);
    chart.getStyler().setYAxisMin(Math.max(0, Math.floor((low - pad) * 200) / 200));
    chart.getStyler().setYAxisMax(Math.min(1, Math.ceil((high + pad) * 200) / 200));
  }

  /**
   * The chart as PNG bytes with {@code warning} in red on a band above it, where it covers no
   * point: for plots whose numbers need a caveat to be read at all.
   */
  public static byte[] pngWithWarning(XYChart chart, String warning) throws IOException {
    if (warning == null || warning.isBlank()) {
      return png(chart);
    }
    BufferedImage plot = BitmapEncoder.getBufferedImage(chart);
    Font font = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    BufferedImage measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    List<String> lines = wrap(warning, measure.createGraphics().getFontMetrics(font), plot.getWidth() - 40);
    int band = 12 + 18 * lines.size();
    BufferedImage out = new BufferedImage(plot.getWidth(), plot.getHeight() + band,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(new Color(0xFF, 0xF0, 0xF0));
      g.fillRect(0, 0, out.getWidth(), band);
      g.setColor(new Color(0xB0, 0x00, 0x00));
      g.setFont(font);
      for (int i = 0; i < lines.size(); i++) {
        g.drawString(lines.get(i), 20, 20 + 18 * i);
      }
      g.drawImage(plot, 0, band, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(out, "png", bytes);
    return bytes.toByteArray();
  }

  /** {@code text} broken at spaces into lines no wider than {@code width}. */
  static List<String> wrap(String text, FontMetrics fm, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Labels on whole numbers only: XChart may place ticks between them. */
  public static Function<Double, String> wholeNumbers() {
    return x -> Math.abs(x - Math.rint(x)) < 1e-9 ? String.valueOf(Math.round(x)) : "";
  }

  public static byte[] png(Chart<?, ?> chart) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }
}
