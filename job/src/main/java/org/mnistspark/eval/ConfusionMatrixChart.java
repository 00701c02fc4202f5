package org.mnistspark.eval;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A confusion matrix as a heat map PNG (XChart), each cell labelled with its count. The colour
 * follows log10(1 + count): on a linear scale the diagonal (about 1,000 per class) would leave the
 * few dozen errors, the interesting part, all the same white.
 */
public final class ConfusionMatrixChart {
  public static final int WIDTH = 760;
  public static final int HEIGHT = 680;

  private ConfusionMatrixChart() {}

  /** @param matrix rows are the true class, columns the predicted one */
  public static byte[] png(long[][] matrix, String title) throws IOException {
    int n = matrix.length;
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("Predicted class").yAxisTitle("True class").build();
    style(chart, matrix);
    List<Integer> predicted = new ArrayList<>();
    List<Integer> trueTopDown = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      predicted.add(i);
      // XChart puts the first y value at the bottom; a confusion matrix reads with class 0 on top
      trueTopDown.add(n - 1 - i);
    }
    List<Number[]> cells = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        cells.add(new Number[] {p, n - 1 - t, Math.log10(1 + matrix[t][p])});
      }
    }
    chart.addSeries("count", predicted, trueTopDown, cells);
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  private static void style(HeatMapChart chart, long[][] matrix) {
    long max = 1;
    for (long[] row : matrix) {
      for (long c : row) {
        max = Math.max(max, c);
      }
    }
    var s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendVisible(false);
    s.setShowValue(true);
    s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setValueFontColor(Color.BLACK);
    // the cell's count, back from the log scale the colours use
    s.setHeatMapDecimalValueFormatter(v -> String.valueOf(Math.round(Math.pow(10, v) - 1)));
    s.setMin(0);
    s.setMax(Math.log10(1 + max));
    s.setRangeColors(new Color[] {Color.WHITE, new Color(0xFD, 0xD4, 0x9E), new Color(0xE3, 0x4A, 0x33),
        new Color(0x7F, 0x00, 0x00)});
    s.setPlotContentSize(1.0);
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
  }
}
