package org.mnistspark.study;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.report.ChartStyle;
import org.mnistspark.report.Format;
import org.mnistspark.report.LogAxis;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.NetworkProbe;

/**
 * The mechanism plot: what each input scaling does inside the LeNet over training, measured by
 * {@link org.mnistspark.train.NetworkProber} on a fixed probe batch. Three panels side by side (a
 * row of them per network or rate when a study compares several, on shared y axes):
 * <ol>
 *   <li>the first layer's pre-activation |z| (mean, and max as a thin line), log scale;
 *   <li>the fraction of dead ReLUs per layer (line style per layer);
 *   <li>the gradient norm per layer (line style per layer), log scale.
 * </ol>
 * One colour per scaling, the same in every panel and as in {@link Charts}. Each scaling is drawn
 * from <b>one representative run</b> (the caller picks it, e.g. the first seed), not a mean with a
 * band over seeds: the scalings differ by orders of magnitude here, far more than seeds do, and
 * three layers times three scalings of bands would hide the lines; every seed's probes belong in
 * results.json, not in this picture. Values a log axis cannot show (0, NaN, infinite) are left out
 * of the log panels. Pure: no Spark, no files.
 */
public final class MechanismChart {
  static final int PANEL_WIDTH = 620;
  static final int PANEL_HEIGHT = 520;
  static final int HEADER = 110;
  /**
   * The widest x axis title that fits its panel: XChart centres it under the plot, which starts
   * right of the y axis's labels and title, so it has less than the panel's width.
   */
  static final int NOTE_WIDTH = PANEL_WIDTH - 100;

  private static final Map<String, String> MEANING = Map.of(
      "none", "raw 0..255", "minmax", "x/255", "standardize", "(x-mean)/std");
  private static final BasicStroke[] LAYER_STROKES = {
      new BasicStroke(2.5f),
      new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {9, 5}, 0),
      new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10, new float[] {1, 5}, 0)};
  private static final Marker[] LAYER_MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND};

  private MechanismChart() {}

  /**
   * One PNG of the mechanism per scaling over training.
   *
   * @param probesByScaling scaling label ("none", "minmax", "standardize") to the probes of one
   *     representative run of that scaling, in epoch order; drawn in the map's order
   * @throws IllegalArgumentException if there is no probe at all
   */
  public static byte[] png(Map<String, List<NetworkProbe>> probesByScaling) throws IOException {
    return png(new Shown(probesByScaling, Map.of()));
  }

  /**
   * What the plot shows: each condition's probes, from one run each.
   *
   * @param seeds the seed of each condition's run, named on the plot; conditions missing here are
   *     drawn without one
   * @param rows each condition's row of panels, by its label ("batchnorm-conv1", "rate 0.0003"), in
   *     order of first appearance: a study of many networks or rates gets one row each, its scalings
   *     side by side, instead of every line in one crowded row; empty: one row
   */
  public record Shown(Map<String, List<NetworkProbe>> probes, Map<String, Long> seeds, Map<String, String> rows) {
    public Shown(Map<String, List<NetworkProbe>> probes, Map<String, Long> seeds) {
      this(probes, seeds, Map.of());
    }
  }

  /** As {@link #png(Map)}, naming the seed each line is from, a row of panels per row label. */
  public static byte[] png(Shown shown) throws IOException {
    List<String> layers = layers(shown.probes());
    BufferedImage image = compose(panels(shown), colors(shown.probes()), layers, seedsLine(shown));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** The rows of three panels, y axes shared down each column. */
  static List<List<XYChart>> panels(Shown shown) {
    List<String> layers = layers(shown.probes());
    Map<String, Color> colors = colors(shown.probes());
    Map<String, Map<String, List<NetworkProbe>>> rows = new LinkedHashMap<>();
    shown.probes().forEach((condition, probes) ->
        rows.computeIfAbsent(shown.rows().getOrDefault(condition, ""), r -> new LinkedHashMap<>()).put(condition, probes));
    List<List<XYChart>> panels = new ArrayList<>();
    rows.forEach((row, probes) -> panels.add(List.of(
        preActivationPanel(probes, colors, layers.get(0), row),
        deadFractionPanel(probes, colors, layers, row),
        gradientPanel(probes, colors, layers, row))));
    for (int column = 0; column < 3; column++) {
      int c = column;
      shareYAxis(panels.stream().map(r -> r.get(c)).toList());
    }
    return panels;
  }

  /** One y range for a column of panels, so that rows compare by eye: the widest of theirs. */
  private static void shareYAxis(List<XYChart> column) {
    double low = column.stream().map(c -> c.getStyler().getYAxisMin()).filter(v -> v != null)
        .mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double high = column.stream().map(c -> c.getStyler().getYAxisMax()).filter(v -> v != null)
        .mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    if (column.size() < 2 || !Double.isFinite(low) || !Double.isFinite(high)) {
      return;
    }
    for (XYChart chart : column) {
      chart.getStyler().setYAxisMin(low);
      chart.getStyler().setYAxisMax(high);
      if (chart.getStyler().isYAxisLogarithmic()) {
        chart.getStyler().setYAxisDecimalPattern(high >= 1e5 || low <= 1e-5 ? "0E0" : "0.######");
        chart.getStyler().setYAxisLogarithmicDecadeOnly(high / low > 20);
      }
    }
  }

  /** "seed 43 for every line", or "one run each, none: seed 43; minmax: seed 43; standardize: seed 42". */
  static String seedsLine(Shown shown) {
    Map<String, Long> seeds = shown.seeds();
    if (seeds.isEmpty()) {
      return "one run per scaling";
    }
    if (seeds.keySet().containsAll(shown.probes().keySet()) && seeds.values().stream().distinct().count() == 1) {
      return "seed " + seeds.values().iterator().next() + " for every line";
    }
    List<String> each = new ArrayList<>();
    seeds.forEach((condition, seed) -> each.add(condition + ": seed " + seed));
    return "one run each, " + String.join("; ", each);
  }

  /** The layer names in network order, from the first probe. */
  private static List<String> layers(Map<String, List<NetworkProbe>> probes) {
    return probes.values().stream().flatMap(List::stream).findFirst()
        .map(p -> p.layers().stream().map(LayerProbe::layer).toList())
        .filter(l -> !l.isEmpty())
        .orElseThrow(() -> new IllegalArgumentException("no probes to plot: " + probes.keySet()));
  }

  /** The colours of {@link Charts}, so a condition looks the same in every plot of the study. */
  static Map<String, Color> colors(Map<String, List<NetworkProbe>> probes) {
    return ConditionColors.of(new ArrayList<>(probes.keySet()));
  }

  private static XYChart preActivationPanel(Map<String, List<NetworkProbe>> probes, Map<String, Color> colors, String first,
      String row) {
    XYChart chart = panel(titled(first + " pre-activation |z| (log scale)", row),
        "|W*x + b|: mean (thick, \u25CF), max (thin, \u25B2)");
    for (var e : probes.entrySet()) {
      Color color = colors.get(e.getKey());
      line(chart, e.getKey() + " mean", e.getValue(), first, LayerProbe::preActivationMeanAbs, true)
          .ifPresent(s -> style(s, color, LAYER_STROKES[0], SeriesMarkers.CIRCLE));
      line(chart, e.getKey() + " max", e.getValue(), first, LayerProbe::preActivationMaxAbs, true)
          .ifPresent(s -> style(s, color, new BasicStroke(1.2f), SeriesMarkers.TRIANGLE_UP));
    }
    LogAxis.fit(chart);
    return chart;
  }

  static XYChart deadFractionPanel(Map<String, List<NetworkProbe>> probes, Map<String, Color> colors, List<String> layers,
      String row) {
    XYChart chart = panel(titled("Dead ReLUs per layer", row), "share of units with z \u2264 0 for every probe image");
    chart.setCustomYAxisTickLabelsFormatter(y -> String.format(Locale.ROOT, "%.0f%%", y * 100));
    perLayer(chart, probes, colors, layers, LayerProbe::deadFraction, false);
    noteOverlaps(chart, probes, layers, false);
    double high = chart.getSeriesMap().values().stream().flatMapToDouble(s -> Arrays.stream(s.getYData()))
        .max().orElse(0);
    chart.getStyler().setYAxisMin(0.0);
    // a tenth above the highest point, in whole 10% steps, so small fractions are not squashed against 0
    chart.getStyler().setYAxisMax(Math.min(1.0, Math.max(0.1, Math.ceil(high * 10 + 1e-9) / 10)));
    return chart;
  }

  static XYChart gradientPanel(Map<String, List<NetworkProbe>> probes, Map<String, Color> colors, List<String> layers,
      String row) {
    XYChart chart = panel(titled("Gradient norm per layer (log scale)", row), "||d loss / d(W, b)||, mean cross-entropy");
    perLayer(chart, probes, colors, layers, LayerProbe::gradientNorm, true);
    noteOverlaps(chart, probes, layers, true);
    LogAxis.fit(chart);
    return chart;
  }

  private static void perLayer(XYChart chart, Map<String, List<NetworkProbe>> probes, Map<String, Color> colors,
      List<String> layers, ToDoubleFunction<LayerProbe> value, boolean log) {
    for (var e : probes.entrySet()) {
      for (int k = 0; k < layers.size(); k++) {
        BasicStroke stroke = LAYER_STROKES[k % LAYER_STROKES.length];
        Marker marker = LAYER_MARKERS[k % LAYER_MARKERS.length];
        line(chart, e.getKey() + " " + layers.get(k), e.getValue(), layers.get(k), value, log)
            .ifPresent(s -> style(s, colors.get(e.getKey()), stroke, marker));
      }
    }
  }

  /**
   * Says under the panel which layers' lines of one scaling are drawn over each other (within 2%
   * of the axis, or of a fiftieth of a decade on a log axis) at two or more epochs, which the eye
   * cannot tell from a missing line.
   */
  private static void noteOverlaps(XYChart chart, Map<String, List<NetworkProbe>> probes, List<String> layers,
      boolean log) {
    // note -> the conditions it holds for, so that two scalings hiding the same lines make one note
    Map<String, List<String>> notes = new LinkedHashMap<>();
    for (String scaling : probes.keySet()) {
      // layer underneath -> the layers drawn over it, and the first epoch they coincide
      Map<String, List<String>> hidden = new LinkedHashMap<>();
      Map<String, Long> from = new HashMap<>();
      for (int k = 1; k < layers.size(); k++) {
        XYSeries s = chart.getSeriesMap().get(scaling + " " + layers.get(k));
        for (int j = 0; j < k && s != null; j++) {
          XYSeries under = chart.getSeriesMap().get(scaling + " " + layers.get(j));
          List<Double> at = under == null ? List.of() : coinciding(under, s, log);
          if (at.size() >= 2) {
            hidden.computeIfAbsent(layers.get(j), x -> new ArrayList<>()).add(layers.get(k));
            from.merge(layers.get(j), Math.round(at.get(0)), Math::min);
            break;
          }
        }
      }
      hidden.forEach((under, over) -> notes.computeIfAbsent(String.join(", ", over) + " on " + under + " from epoch "
          + from.get(under), n -> new ArrayList<>()).add(scaling));
    }
    if (!notes.isEmpty()) {
      // a row's conditions share their setting, which the panel's title names: the scaling tells them apart
      boolean oneSetting = probes.keySet().stream().map(StudyPlan::settingOf).distinct().count() == 1;
      List<String> said = new ArrayList<>();
      notes.forEach((note, conditions) -> said.add(
          Format.list(conditions.stream().map(c -> oneSetting ? StudyPlan.scalingOf(c) : c).toList()) + ": " + note));
      String title = "epochs trained (hidden lines: " + String.join("; ", said) + ")";
      chart.setXAxisTitle(title);
      // a long note in a smaller font rather than cut at the panel's edge
      Font font = chart.getStyler().getAxisTitleFont();
      for (int size = font.getSize(); size > 9 && ChartStyle.textWidth(title, font) > NOTE_WIDTH; size--) {
        font = font.deriveFont((float) size - 1);
      }
      chart.getStyler().setAxisTitleFont(font);
    }
  }

  /** The epochs at which {@code b} lies on {@code a}. */
  private static List<Double> coinciding(XYSeries a, XYSeries b, boolean log) {
    double span = Math.max(0.1, Math.max(Arrays.stream(a.getYData()).max().orElse(0),
        Arrays.stream(b.getYData()).max().orElse(0)));
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < b.getXData().length; i++) {
      for (int j = 0; j < a.getXData().length; j++) {
        if (a.getXData()[j] == b.getXData()[i]) {
          double ya = a.getYData()[j];
          double yb = b.getYData()[i];
          if (log ? Math.abs(Math.log10(ya / yb)) <= 0.02 : Math.abs(ya - yb) <= 0.02 * span) {
            out.add(b.getXData()[i]);
          }
        }
      }
    }
    return out;
  }

  /** One series of {@code layer}'s value against epoch; empty when no point can be drawn. */
  private static Optional<XYSeries> line(XYChart chart, String name, List<NetworkProbe> probes, String layer,
      ToDoubleFunction<LayerProbe> value, boolean log) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (NetworkProbe p : probes) {
      double v = p.layers().stream().filter(l -> l.layer().equals(layer)).mapToDouble(value).findFirst().orElse(Double.NaN);
      if (Double.isFinite(v) && (!log || v > 0)) {
        x.add(p.epoch());
        y.add(v);
      }
    }
    return x.isEmpty() ? Optional.empty() : Optional.of(chart.addSeries(name, x, y));
  }

  private static void style(XYSeries s, Color color, BasicStroke stroke, Marker marker) {
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setLineColor(color);
    s.setLineStyle(stroke);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }

  /** "Dead ReLUs per layer — batchnorm-conv1" in a plot of several rows. */
  private static String titled(String title, String row) {
    return row.isEmpty() ? title : title + " \u2014 " + row;
  }

  private static XYChart panel(String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
        .title(title).xAxisTitle("epochs trained").yAxisTitle(yTitle).build();
    XYStyler st = chart.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setChartTitleBoxVisible(false);
    // one legend for all three panels is drawn above them
    st.setLegendVisible(false);
    st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    st.setPlotGridLinesColor(new Color(0xE0, 0xE0, 0xE0));
    st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    st.setXAxisMin(0.0);
    // probes are taken at whole epochs only
    chart.setCustomXAxisTickLabelsFormatter(ChartStyle.wholeNumbers());
    return chart;
  }

  /** Each row's panels side by side, the rows one above the other, under a title and one shared legend. */
  private static BufferedImage compose(List<List<XYChart>> rows, Map<String, Color> colors, List<String> layers,
      String seeds) {
    BufferedImage image = new BufferedImage(PANEL_WIDTH * rows.get(0).size(), HEADER + PANEL_HEIGHT * rows.size(),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      header(g, image.getWidth(), colors, layers, seeds);
      for (int r = 0; r < rows.size(); r++) {
        for (int i = 0; i < rows.get(r).size(); i++) {
          g.drawImage(BitmapEncoder.getBufferedImage(rows.get(r).get(i)), i * PANEL_WIDTH, HEADER + r * PANEL_HEIGHT, null);
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private record LegendItem(Color color, Stroke stroke, String label, int gapBefore) {}

  private static void header(Graphics2D g, int width, Map<String, Color> colors, List<String> layers, String seeds) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 19));
    centered(g, "What input scaling does inside the LeNet during training", width, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    centered(g, "measured on one fixed probe batch, not averaged over seeds: " + seeds
        + "; x: epochs trained (0 = before training)", width, 50);
    List<LegendItem> conditions = new ArrayList<>();
    colors.forEach((scaling, color) -> conditions.add(new LegendItem(color, LAYER_STROKES[0],
        scaling + (MEANING.containsKey(scaling) ? " (" + MEANING.get(scaling) + ")" : ""), 24)));
    List<LegendItem> layerItems = new ArrayList<>();
    layerItems.add(new LegendItem(null, null, "layers (middle, right):", 40));
    for (int k = 0; k < layers.size(); k++) {
      layerItems.add(new LegendItem(Color.DARK_GRAY, LAYER_STROKES[k % LAYER_STROKES.length], layers.get(k), 16));
    }
    List<LegendItem> all = new ArrayList<>(conditions);
    all.addAll(layerItems);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    if (rowWidth(all, g.getFontMetrics()) <= width - 40) {
      row(g, all, width, 82);
    } else {
      // many conditions (learning rates, network variants): conditions on one row, layers below
      if (rowWidth(conditions, g.getFontMetrics()) > width - 40) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      }
      row(g, conditions, width, 74);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      row(g, layerItems, width, 98);
    }
  }

  private static int rowWidth(List<LegendItem> items, FontMetrics fm) {
    return items.stream().mapToInt(i -> i.gapBefore + itemWidth(i, fm)).sum();
  }

  /** {@code items} side by side, centred on a line at {@code y}. */
  private static void row(Graphics2D g, List<LegendItem> items, int width, int y) {
    FontMetrics fm = g.getFontMetrics();
    int x = (width - rowWidth(items, fm)) / 2;
    for (LegendItem i : items) {
      x += i.gapBefore;
      legendItem(g, x, y, i);
      x += itemWidth(i, fm);
    }
  }

  private static int itemWidth(LegendItem i, FontMetrics fm) {
    return (i.stroke == null ? 0 : 40) + fm.stringWidth(i.label);
  }

  private static void legendItem(Graphics2D g, int x, int y, LegendItem i) {
    int text = x;
    if (i.stroke != null) {
      g.setColor(i.color);
      Stroke before = g.getStroke();
      g.setStroke(i.stroke);
      g.drawLine(x, y, x + 32, y);
      g.setStroke(before);
      text += 40;
    }
    g.setColor(i.stroke == null ? Color.DARK_GRAY : Color.BLACK);
    g.drawString(i.label, text, y + 5);
  }

  private static void centered(Graphics2D g, String text, int width, int y) {
    g.drawString(text, (width - g.getFontMetrics().stringWidth(text)) / 2, y);
  }
}
