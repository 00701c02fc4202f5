package org.mnistspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.ValidationPoint;

/** One training run's plots from its metrics, as PNG bytes (XChart). Pure: no Spark, no files. */
public final class RunCharts {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 520;
  private static final Color VALIDATION = new Color(0x1F, 0x77, 0xB4);
  private static final Color TRAIN = new Color(0xFF, 0x7F, 0x0E);
  private static final Color KEPT = new Color(0xD6, 0x27, 0x28);
  private static final BasicStroke SOLID = new BasicStroke(2.5f);
  private static final BasicStroke DASHED =
      new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);

  private RunCharts() {}

  /** Validation accuracy at every check against the epoch position, the check the saved model is from marked. */
  public static byte[] validationAccuracy(RunMetrics m) throws IOException {
    return ChartStyle.png(validationAccuracyChart(m));
  }

  static XYChart validationAccuracyChart(RunMetrics m) {
    XYChart chart = epochChart(m, "Validation accuracy at every check", "Validation accuracy");
    List<ValidationPoint> checks = m.validationCurve();
    line(chart, "validation accuracy (" + checks.size() + " checks)", epochsOf(checks),
        map(checks, ValidationPoint::accuracy), VALIDATION, SOLID, SeriesMarkers.CIRCLE);
    ValidationPoint kept = m.keptValidationCheck();
    if (kept != null) {
      line(chart, "the saved model's check", List.of(kept.epoch()), List.of(kept.accuracy()), KEPT, SOLID,
          SeriesMarkers.DIAMOND);
    }
    ChartStyle.fitPercentY(chart, checks.stream().mapToDouble(ValidationPoint::accuracy).min().orElse(0),
        checks.stream().mapToDouble(ValidationPoint::accuracy).max().orElse(1));
    return chart;
  }

  /**
   * Validation loss at every check and train loss per epoch, on a log axis. The train loss is the
   * mean over an epoch, so it is drawn at the epoch's middle, where that mean was earned on average.
   */
  public static byte[] loss(RunMetrics m) throws IOException {
    XYChart chart = epochChart(m, "Loss (log scale)", "Cross-entropy");
    List<ValidationPoint> measured = m.validationCurve().stream().filter(p -> p.loss() != null).toList();
    if (!measured.isEmpty()) {
      line(chart, "validation loss, every check", epochsOf(measured), map(measured, ValidationPoint::loss), VALIDATION,
          SOLID, SeriesMarkers.CIRCLE);
    }
    List<EpochStats> train = m.epochs().stream().filter(e -> Double.isFinite(e.trainLoss()) && e.trainLoss() > 0)
        .toList();
    if (!train.isEmpty()) {
      line(chart, "train loss, mean over each epoch (at its middle)", map(train, e -> e.epoch() - 0.5),
          map(train, EpochStats::trainLoss), TRAIN, DASHED, SeriesMarkers.SQUARE);
    }
    LogAxis.fit(chart);
    return ChartStyle.png(chart);
  }

  /**
   * Precision and recall of each class on the test set, as dots: both are near 1, and bars would
   * either all look full or, on a cut axis, exaggerate the differences by their length.
   */
  public static byte[] perClass(TestMetrics test) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Per-class precision and recall on " + test.examples() + " test images")
        .xAxisTitle("Class").yAxisTitle("Precision, recall").build();
    ChartStyle.apply(chart.getStyler());
    ChartStyle.percentY(chart);
    chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(11);
    // both of a class's dots on its tick: side by side, a class's recall sat as near the next class's precision
    chart.getStyler().setOverlapped(true);
    List<String> classes = test.perClass().stream().map(c -> String.valueOf(c.label())).toList();
    dots(chart, "precision", classes, map(test.perClass(), TestMetrics.ClassMetrics::precision), VALIDATION,
        SeriesMarkers.CIRCLE);
    dots(chart, "recall", classes, map(test.perClass(), TestMetrics.ClassMetrics::recall), TRAIN, SeriesMarkers.DIAMOND);
    double low = test.perClass().stream().mapToDouble(c -> Math.min(c.precision(), c.recall())).min().orElse(0);
    // room below the lowest dot; the top at 100%, not above, where a labelled tick would be a share no class can have
    chart.getStyler().setYAxisMin(Math.max(0, Math.floor(low * 200 - 1) / 200));
    chart.getStyler().setYAxisMax(1.0);
    return ChartStyle.png(chart);
  }

  private static void dots(CategoryChart chart, String name, List<String> classes, List<Double> values, Color color,
      Marker marker) {
    CategorySeries s = chart.addSeries(name, classes, values);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }

  /**
   * A chart against the epoch position (1.25 is a quarter into the second epoch), from just before
   * the first check, where the curves start, to the end of the last epoch.
   */
  private static XYChart epochChart(RunMetrics m, String title, String yTitle) {
    XYChart chart = ChartStyle.xy(WIDTH, HEIGHT, title + " — " + subtitle(m), "Epoch", yTitle);
    double last = m.validationCurve().stream().mapToDouble(ValidationPoint::epoch).max()
        .orElse(m.epochs().size());
    double first = m.validationCurve().stream().mapToDouble(ValidationPoint::epoch).min().orElse(0);
    chart.getStyler().setXAxisMin(Math.max(0, first - 0.03 * Math.max(1, last - first)));
    chart.getStyler().setXAxisMax(Math.max(1.0, Math.ceil(last - 1e-9)));
    chart.getStyler().setXAxisDecimalPattern("0.##");
    return chart;
  }

  private static String subtitle(RunMetrics m) {
    return m.data().dataset() + ", " + m.data().trainImages() + " training images, " + m.scaling().kind() + ", seed "
        + m.config().get("seed");
  }

  private static List<Double> epochsOf(List<ValidationPoint> points) {
    return map(points, ValidationPoint::epoch);
  }

  private static <T> List<Double> map(List<T> items, Function<T, Double> value) {
    return items.stream().map(value).toList();
  }

  private static void line(XYChart chart, String name, List<Double> x, List<Double> y, Color color, BasicStroke stroke,
      Marker marker) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setLineColor(color);
    s.setLineStyle(stroke);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }
}
