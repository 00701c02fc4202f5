package org.mnistspark.eval;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * A confusion matrix as a heat map PNG (XChart), each cell labelled with its count. The colour
 * follows log(1 + count): on a linear scale the diagonal (about 1,000 per class) would leave the
 * few dozen errors, the interesting part, all the same white.
 */
public final class ConfusionMatrixChart {
  /** Its name in the outputs of train and evaluate. */
  public static final String FILE = "confusion-matrix.png";
  public static final int WIDTH = 760;
  public static final int HEIGHT = 680;
  /** Light to dark, readable under black text. */
  private static final Color[] PALETTE = {Color.WHITE, new Color(0xFD, 0xD4, 0x9E), new Color(0xFC, 0x8D, 0x59),
      new Color(0xE3, 0x4A, 0x33)};
  /** Enough evenly spaced colour stops that XChart's linear interpolation between them follows the log curve. */
  private static final int STOPS = 256;

  private ConfusionMatrixChart() {}

  /** The test set's matrix, titled with its size and accuracy. */
  public static byte[] png(TestMetrics test) throws IOException {
    return png(test.confusionMatrix(), String.format(Locale.ROOT,
        "Confusion matrix: %d images, accuracy %.4f (colour on a log scale)", test.examples(), test.accuracy()));
  }

  /** @param matrix rows are the true class, columns the predicted one */
  public static byte[] png(long[][] matrix, String title) throws IOException {
    int n = matrix.length;
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("Predicted class").yAxisTitle("True class").build();
    List<Integer> predicted = new ArrayList<>();
    List<Integer> trueTopDown = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      predicted.add(i);
      // XChart puts the first y value at the bottom; a confusion matrix reads with class 0 on top
      trueTopDown.add(n - 1 - i);
    }
    List<Number[]> cells = new ArrayList<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        cells.add(new Number[] {p, n - 1 - t, matrix[t][p]});
        min = Math.min(min, matrix[t][p]);
        max = Math.max(max, matrix[t][p]);
      }
    }
    chart.addSeries("count", predicted, trueTopDown, cells);
    style(chart, min, max);
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * XChart colours a cell linearly between the data's smallest and largest value, so the log scale
   * goes into the colour stops instead: stop k, at value min + (max - min) k / (STOPS - 1), gets the
   * palette's colour for that value's place on the log scale.
   */
  private static void style(HeatMapChart chart, long min, long max) {
    var s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendVisible(false);
    s.setShowValue(true);
    s.setHeatMapValueDecimalPattern("0");
    s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setValueFontColor(Color.BLACK);
    Color[] stops = new Color[STOPS];
    double span = Math.log1p(max) - Math.log1p(min);
    for (int k = 0; k < STOPS; k++) {
      double value = min + (max - min) * (double) k / (STOPS - 1);
      stops[k] = palette(span == 0 ? 1 : (Math.log1p(value) - Math.log1p(min)) / span);
    }
    s.setRangeColors(stops);
  }

  /** The palette at {@code t} in 0..1, interpolated between its neighbouring colours. */
  private static Color palette(double t) {
    double pos = t * (PALETTE.length - 1);
    int i = Math.min((int) pos, PALETTE.length - 2);
    double f = pos - i;
    Color a = PALETTE[i];
    Color b = PALETTE[i + 1];
    return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f), mix(a.getBlue(), b.getBlue(), f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }
}
