package org.mnistspark.study;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.config.Optimizer;
import org.mnistspark.report.ChartStyle;
import org.mnistspark.report.Format;

/**
 * The plots whose x axis is what a study compares beside the scaling: the learning rate, the
 * network. Lines join the means over seeds, each seed is a diamond; one colour per scaling (with
 * the rate or network the plot does not show) as in {@link Charts}. Category axes: every rate and
 * network is labelled where its points are (a log axis labelled only 1e-4 and 1e-3 of 1e-4, 3e-4,
 * 1e-3, 3e-3), so rates are evenly spaced, not to scale. Pure: no Spark, no files.
 */
public final class ComparisonCharts {
  /** Height of the by-network plot's lower panel; the upper one is {@link Charts#HEIGHT}. */
  static final int DEAD_PANEL_HEIGHT = 470;

  private static final BasicStroke SOLID = new BasicStroke(2.5f);
  private static final BasicStroke DASHED =
      new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);

  private ComparisonCharts() {}

  /**
   * Test accuracy by learning rate, one line per scaling (and network variant); null when the plan
   * has one rate.
   */
  public static byte[] byLearningRate(StudySummary s) throws IOException {
    StudyResults.Plan plan = s.plan();
    if (plan.learningRates() == null || plan.learningRates().size() < 2) {
      return null;
    }
    List<String> rates = plan.learningRates().stream().map(Format::learningRate).toList();
    Charts.Title title = Charts.fitted(s, "Test accuracy by learning rate", Charts.MARKS, false);
    String optimizer = Optimizer.SGD.label().equals(plan.options().get("optimizer")) ? "Plain SGD" : "Adam";
    CategoryChart chart = chart(Charts.HEIGHT, title.text(), optimizer + " learning rate (evenly spaced, not to scale)",
        "Test accuracy of the kept network");
    chart.getStyler().setChartTitleFont(title.font());
    Map<String, List<ScalingSummary>> lines = new LinkedHashMap<>();
    for (ScalingSummary x : s.scalings()) {
      lines.computeIfAbsent(Charts.withoutRate(x.scaling()), k -> new ArrayList<>()).add(x);
    }
    Map<String, Color> colors = ConditionColors.of(new ArrayList<>(lines.keySet()));
    for (var line : lines.entrySet()) {
      Map<String, Map<Long, Double>> test = new LinkedHashMap<>();
      line.getValue().forEach(x -> test.put(Format.learningRate(plan.learningRateOf(x.scaling())), testBySeed(x)));
      add(chart, Charts.legend(line.getKey()), rates, plan.seeds(), test, colors.get(line.getKey()), SOLID);
    }
    Charts.fitPercentY(chart, s.scalings().stream().map(ScalingSummary::testAccuracy).toList());
    return stacked(List.of(chart));
  }

  /**
   * The causal arm's picture: each network variant beside the LeNet, by scaling. Above, test
   * accuracy; below, when some run measured its probes, the share of conv2's units whose input is
   * at most 0 for every probe image after epoch 1 (solid) and at each run's last probe (dashed).
   * Null when the plan has one network.
   */
  public static byte[] byNetwork(StudySummary s) throws IOException {
    List<CategoryChart> panels = byNetworkPanels(s);
    return panels == null ? null : stacked(panels);
  }

  /** {@code panels} one above the other, as PNG bytes. */
  private static byte[] stacked(List<CategoryChart> panels) throws IOException {
    List<BufferedImage> images = new ArrayList<>();
    for (CategoryChart panel : panels) {
      images.add(BitmapEncoder.getBufferedImage(panel));
    }
    BufferedImage all = new BufferedImage(Charts.WIDTH, images.stream().mapToInt(BufferedImage::getHeight).sum(),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    try {
      int y = 0;
      for (BufferedImage image : images) {
        g.drawImage(image, 0, y, null);
        y += image.getHeight();
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(all, "png", out);
    return out.toByteArray();
  }

  /** The panels of {@link #byNetwork}; null when the plan has one network. */
  static List<CategoryChart> byNetworkPanels(StudySummary s) {
    StudyResults.Plan plan = s.plan();
    if (plan.variants() == null || plan.variants().size() < 2) {
      return null;
    }
    Charts.Title title = Charts.fitted(s, "Test accuracy by network", Charts.MARKS, false);
    CategoryChart accuracy = chart(Charts.HEIGHT, title.text(), "", "Test accuracy of the kept network");
    accuracy.getStyler().setChartTitleFont(title.font());
    CategoryChart dead = chart(DEAD_PANEL_HEIGHT,
        "conv2's units with input <= 0 for all 256 probe images (dead, for a ReLU); same runs", "Network",
        "Share of conv2's units");
    dead.getStyler().setChartTitleFont(ChartStyle.titleFont(14));

    Map<String, List<ScalingSummary>> lines = new LinkedHashMap<>();
    for (ScalingSummary x : s.scalings()) {
      lines.computeIfAbsent(x.scaling().replace(" + " + plan.variantOf(x.scaling()), ""), k -> new ArrayList<>()).add(x);
    }
    Map<String, Color> colors = ConditionColors.of(new ArrayList<>(lines.keySet()));
    List<Band> all = new ArrayList<>();
    for (var line : lines.entrySet()) {
      Map<String, Map<Long, Double>> test = new LinkedHashMap<>();
      Map<String, Map<Long, Double>> afterEpoch1 = new LinkedHashMap<>();
      Map<String, Map<Long, Double>> last = new LinkedHashMap<>();
      for (ScalingSummary x : line.getValue()) {
        String variant = plan.variantOf(x.scaling());
        test.put(variant, testBySeed(x));
        all.add(x.testAccuracy());
        afterEpoch1.put(variant, probed(s, x.scaling(), StudySummary.ProbeRow::conv2DeadAfterEpoch1));
        last.put(variant, probed(s, x.scaling(), StudySummary.ProbeRow::conv2DeadLast));
      }
      Color color = colors.get(line.getKey());
      add(accuracy, Charts.legend(line.getKey()), plan.variants(), plan.seeds(), test, color, SOLID);
      add(dead, line.getKey() + ", after epoch 1", plan.variants(), plan.seeds(), afterEpoch1, color, SOLID);
      add(dead, line.getKey() + ", at the end", plan.variants(), plan.seeds(), last, color, DASHED);
    }
    Charts.fitPercentY(accuracy, all);
    dead.getStyler().setYAxisMin(0.0);
    dead.getStyler().setYAxisMax(1.0);
    // whole percents: labels about as wide as the accuracy panel's, so both plots start at the same x
    dead.setCustomYAxisTickLabelsFormatter(y -> String.format(Locale.ROOT, "%.0f%%", y * 100));
    return dead.getSeriesMap().isEmpty() ? List.of(accuracy) : List.of(accuracy, dead);
  }

  private static CategoryChart chart(int height, String title, String xTitle, String yTitle) {
    CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH).height(height).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    ChartStyle.apply(chart.getStyler());
    chart.getStyler().setOverlapped(true);
    // below both plots, so that the plots are as wide and each network sits at the same x in both
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return chart;
  }

  private static Map<Long, Double> testBySeed(ScalingSummary x) {
    Map<Long, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < x.seeds().size(); i++) {
      out.put(x.seeds().get(i), x.testPerSeed().get(i));
    }
    return out;
  }

  /** Each seed's value of {@code condition}'s probes, where it measured them. */
  private static Map<Long, Double> probed(StudySummary s, String condition,
      Function<StudySummary.ProbeRow, Double> value) {
    Map<Long, Double> out = new LinkedHashMap<>();
    s.probes().stream().filter(p -> p.condition().equals(condition) && value.apply(p) != null)
        .forEach(p -> out.put(p.seed(), value.apply(p)));
    return out;
  }

  /**
   * A line through the means over seeds of {@code bySeed} (category to seed to value) and a diamond
   * per seed, categories without a value left empty.
   */
  private static void add(CategoryChart chart, String name, List<String> categories, List<Long> seeds,
      Map<String, Map<Long, Double>> bySeed, Color color, BasicStroke stroke) {
    List<Double> means = new ArrayList<>();
    for (String c : categories) {
      Map<Long, Double> values = bySeed.getOrDefault(c, Map.of());
      means.add(values.isEmpty() ? null : values.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }
    if (means.stream().allMatch(Objects::isNull)) {
      return;
    }
    CategorySeries mean = chart.addSeries(name, categories, means);
    mean.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Line);
    mean.setLineColor(color);
    mean.setLineStyle(stroke);
    mean.setMarker(SeriesMarkers.CIRCLE);
    mean.setMarkerColor(color);
    for (long seed : seeds) {
      List<Double> values = categories.stream().map(c -> bySeed.getOrDefault(c, Map.of()).get(seed)).toList();
      if (values.stream().anyMatch(Objects::nonNull)) {
        CategorySeries marks = chart.addSeries(name + ", seed " + seed, categories, values);
        marks.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        marks.setMarker(SeriesMarkers.DIAMOND);
        marks.setMarkerColor(color);
        marks.setShowInLegend(false);
      }
    }
  }
}
