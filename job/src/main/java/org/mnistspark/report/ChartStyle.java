package org.mnistspark.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Function;
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
    st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    st.setPlotGridLinesColor(new Color(0xE0, 0xE0, 0xE0));
    st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
  }

  /**
   * Tick labels as percentages with one decimal: 0.987 -> "98.7%". Every tick needs a distinct
   * label: XChart 3.8.8 looks for tick spacings that give one forever when two labels are equal.
   */
  public static void percentY(Chart<?, ?> chart) {
    chart.setCustomYAxisTickLabelsFormatter(y -> String.format(Locale.ROOT, "%.1f%%", y * 100));
  }

  /** Labels on whole numbers only: XChart may place ticks between them. */
  public static Function<Double, String> wholeNumbers() {
    return x -> Math.abs(x - Math.rint(x)) < 1e-9 ? String.valueOf(Math.round(x)) : "";
  }

  public static byte[] png(Chart<?, ?> chart) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }
}
