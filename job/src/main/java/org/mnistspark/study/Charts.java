package org.mnistspark.study;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.report.ChartStyle;
import org.mnistspark.report.Format;
import org.mnistspark.report.LogAxis;
import org.mnistspark.train.ValidationPoint;

/**
 * The study's plots, drawn with XChart as PNG bytes: one line per condition (the mean over seeds)
 * with a translucent min–max band over seeds; every plot names its seeds. Pure: no Spark, no files.
 */
public final class Charts {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;
  /** XChart's padding on either side of the title, with room to spare. */
  static final int TITLE_MARGIN = 40;
  /** Width the y axis's labels and title take left of the plot. */
  static final int Y_AXIS = 70;
  /** A legend entry's width beyond its label: the line, its marker and the padding. */
  private static final int LEGEND_ENTRY = 60;
  private static final Font LEGEND_BESIDE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  /** How a plot shows the seeds: lines through their means with a band, or through marks of each. */
  static final String BANDS = "mean, band min–max";
  static final String MARKS = "line: mean, diamonds: seeds";

  private static final String[] LEGEND = {"none", "raw 0..255", "minmax", "x/255", "standardize", "(x-mean)/std"};

  private Charts() {}

  /** Validation accuracy against epoch, the y axis fitted to every seed's points. */
  public static byte[] accuracy(StudySummary s) throws IOException {
    return ChartStyle.png(accuracyChart(s));
  }

  static XYChart accuracyChart(StudySummary s) {
    XYChart chart = chart(s, "Validation accuracy per epoch", "Validation accuracy");
    Map<String, Color> colors = colors(s);
    for (ScalingSummary x : s.scalings()) {
      add(chart, x, colors, epochAxis(x.validationAccuracy().size()), x.validationAccuracy(), legend(x), false);
    }
    fitPercentY(chart, s.scalings().stream().flatMap(x -> x.validationAccuracy().stream()).toList());
    return chart;
  }

  /** Train loss (mean over each epoch) and validation loss (after it) against epoch, on a log axis. */
  public static byte[] loss(StudySummary s) throws IOException {
    XYChart chart = chart(s, "Loss per epoch (log scale)", "Cross-entropy: train (mean over the epoch), validation (dashed)");
    Map<String, Color> colors = colors(s);
    for (ScalingSummary x : s.scalings()) {
      // six series: the long scaling names of the other plots ran off both sides of the legend
      add(chart, x, colors, epochAxis(x.trainLoss().size()), x.trainLoss(), x.scaling() + " train", false);
      add(chart, x, colors, epochAxis(x.validationLoss().size()), x.validationLoss(), x.scaling() + " validation", true);
    }
    chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    LogAxis.fit(chart);
    return ChartStyle.png(chart);
  }

  /**
   * Validation accuracy at every check against {@code axis}: images fitted (thousands) or training
   * seconds, so that conditions are compared by data seen and by time spent. The seconds plot
   * carries the summary's timing warning above it, when there is one.
   */
  public static byte[] curve(StudySummary s, CurveAxis axis) throws IOException {
    XYChart chart = curveChart(s, axis);
    return axis == CurveAxis.SECONDS ? ChartStyle.pngWithWarning(chart, s.timingWarning()) : ChartStyle.png(chart);
  }

  static XYChart curveChart(StudySummary s, CurveAxis axis) {
    XYChart chart = chart(s, "Validation accuracy at every check", "Validation accuracy");
    chart.setXAxisTitle(axis.title);
    chart.getStyler().setXAxisMin(null);
    chart.getStyler().setXAxisMax(null);
    chart.setCustomXAxisTickLabelsFormatter(v -> String.format(Locale.ROOT, axis.format, v));
    Map<String, Color> colors = colors(s);
    List<Band> all = new ArrayList<>();
    boolean ranOn = false;
    for (ScalingSummary x : s.scalings()) {
      List<Double> xs = x.checks().stream().map(c -> axis.x(c.images(), c.seconds())).toList();
      List<Band> acc = x.checks().stream().map(ScalingSummary.Check::accuracy).toList();
      add(chart, x, colors, xs, acc, legend(x), false);
      all.addAll(acc);
      ranOn |= addRunOn(chart, x, colors.get(x.scaling()), axis, all);
    }
    if (ranOn) {
      chart.setXAxisTitle(axis.title + "; thin line: a seed that ran on after another stopped");
    }
    fitPercentY(chart, all);
    return chart;
  }

  /**
   * Each seed's checks past the last one every seed of {@code x} reached, from its own point there,
   * as a thin line; adds their accuracies to {@code all}. Returns whether any seed ran on.
   */
  private static boolean addRunOn(XYChart chart, ScalingSummary x, Color color, CurveAxis axis, List<Band> all) {
    int common = x.checks().size();
    boolean any = false;
    for (int i = 0; i < x.seeds().size(); i++) {
      List<ValidationPoint> curve = x.curvePerSeed().get(i);
      if (curve.size() <= common) {
        continue;
      }
      List<ValidationPoint> tail = curve.subList(Math.max(common - 1, 0), curve.size());
      XYSeries line = chart.addSeries(legend(x) + " seed " + x.seeds().get(i) + " ran on",
          tail.stream().map(p -> axis.x(p.imagesFitted(), p.trainSeconds())).toList(),
          tail.stream().map(ValidationPoint::accuracy).toList());
      style(line, color, new BasicStroke(1.2f), false);
      line.setShowInLegend(false);
      tail.forEach(p -> all.add(Band.of(p.accuracy())));
      any = true;
    }
    return any;
  }

  /** "none + batchnorm-conv1" of "none + batchnorm-conv1 @ 0.001". */
  static String withoutRate(String condition) {
    int at = condition.indexOf(" @ ");
    return at < 0 ? condition : condition.substring(0, at);
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

    /** Where a check lies on this axis: thousands of images fitted, or training seconds. */
    double x(double images, double seconds) {
      return this == IMAGES ? images / 1e3 : seconds;
    }
  }

  private static List<Double> epochAxis(int epochs) {
    List<Double> xs = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      xs.add((double) e);
    }
    return xs;
  }

  private static Map<String, Color> colors(StudySummary s) {
    return ConditionColors.of(s.scalings().stream().map(ScalingSummary::scaling).toList());
  }

  /** A y axis from the lowest minimum to the highest maximum of {@code bands}. */
  static void fitPercentY(Chart<? extends AxesChartStyler, ?> chart, List<Band> bands) {
    double low = bands.stream().mapToDouble(Band::min).filter(Double::isFinite).min().orElse(0);
    double high = bands.stream().mapToDouble(Band::max).filter(Double::isFinite).max().orElse(1);
    ChartStyle.fitPercentY(chart, low, high);
  }

  private static XYChart chart(StudySummary s, String title, String yTitle) {
    XYChart chart = titled(s, title, BANDS, "Epoch", yTitle);
    int epochs = s.scalings().stream().mapToInt(ScalingSummary::epochs).max().orElse(1);
    chart.getStyler().setXAxisMin(1.0);
    chart.getStyler().setXAxisMax((double) Math.max(2, epochs));
    chart.setCustomXAxisTickLabelsFormatter(ChartStyle.wholeNumbers());
    return chart;
  }

  /**
   * A chart titled "TITLE — SUBTITLE" ({@link #fitted}), with the legend beside the plot when there
   * are more conditions than fit below it.
   */
  private static XYChart titled(StudySummary s, String title, String spread, String xTitle, String yTitle) {
    boolean legendBeside = s.scalings().size() > 3;
    Title fitted = fitted(s, title, spread, legendBeside);
    XYChart chart = ChartStyle.xy(WIDTH, HEIGHT, fitted.text(), xTitle, yTitle);
    chart.getStyler().setChartTitleFont(fitted.font());
    if (legendBeside) {
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
      chart.getStyler().setLegendFont(LEGEND_BESIDE_FONT);
    }
    return chart;
  }

  /** A chart's title and the font it fits in. */
  record Title(String text, Font font) {}

  /**
   * "TITLE — SUBTITLE" in the largest of 16, 12 and 10 points at which it fits a chart {@link #WIDTH}
   * wide, the subtitle shortened when even 10 points do not fit.
   */
  static Title fitted(StudySummary s, String title, String spread, boolean legendBeside) {
    String full = title + " — " + subtitle(s, false, spread);
    int room = titleRoom(s, legendBeside);
    Font font = ChartStyle.largestFitting(full, room, 16, 12, 10);
    if (font == null) {
      full = title + " — " + subtitle(s, true, spread);
      font = Objects.requireNonNullElse(ChartStyle.largestFitting(full, room, 12, 10), ChartStyle.titleFont(9));
    }
    return new Title(full, font);
  }

  /**
   * The widest title that fits: XChart centres it over the plot, which starts right of the y axis
   * and ends left of a legend beside it, so it has twice the room on the nearer side of the plot's
   * centre.
   */
  static int titleRoom(StudySummary s, boolean legendBeside) {
    int legend = 0;
    if (legendBeside) {
      legend = LEGEND_ENTRY
          + s.scalings().stream().mapToInt(x -> ChartStyle.textWidth(legend(x), LEGEND_BESIDE_FONT)).max().orElse(0);
    }
    int centre = (Y_AXIS + WIDTH - legend) / 2;
    return 2 * Math.min(centre, WIDTH - centre) - TITLE_MARGIN;
  }

  /**
   * The dataset and the seeds: "mnist, seeds 42, 43 (mean, band min–max)", each condition's own
   * when a few differ (unless {@code brief}), and the conditions not run yet.
   */
  static String subtitle(StudySummary s, boolean brief, String spread) {
    List<List<Long>> seeds = s.scalings().stream().map(ScalingSummary::seeds).distinct().toList();
    String text = s.plan().dataset() + ", ";
    if (seeds.size() == 1) {
      List<Long> only = seeds.get(0);
      text += (only.size() == 1 ? "seed " : "seeds ") + join(only) + (only.size() == 1 ? "" : " (" + spread + ")");
    } else if (brief) {
      return text + briefSeeds(s, spread);
    } else if (s.scalings().size() <= 3) {
      List<String> each = new ArrayList<>();
      s.scalings().forEach(x -> each.add(x.scaling() + " " + join(x.seeds())));
      text += "seeds " + String.join("; ", each) + " (" + spread + ")";
    } else {
      List<Long> union = s.scalings().stream().flatMap(x -> x.seeds().stream()).distinct().sorted().toList();
      int fewer = (int) s.scalings().stream().filter(x -> x.seeds().size() < union.size()).count();
      text += "seeds " + join(union) + " (" + Format.count(fewer, "condition") + (fewer == 1 ? " has" : " have")
          + " fewer so far; " + spread + ")";
    }
    List<String> planned = s.plan().conditions() == null ? s.plan().scalings() : s.plan().conditions();
    List<String> done = s.scalings().stream().map(ScalingSummary::scaling).toList();
    List<String> missing = planned.stream().filter(c -> !done.contains(c)).toList();
    if (missing.isEmpty()) {
      return text;
    }
    return text + "; not run yet: " + (missing.size() <= 2 ? String.join(", ", missing)
        : missing.size() + " of " + planned.size() + " conditions");
  }

  /** "seeds 42, 43 (partial: 1 with fewer, 5 of 8 not run)": lines are means, bands min–max, as the full form says. */
  private static String briefSeeds(StudySummary s, String spread) {
    List<Long> union = s.scalings().stream().flatMap(x -> x.seeds().stream()).distinct().sorted().toList();
    long fewer = s.scalings().stream().filter(x -> x.seeds().size() < union.size()).count();
    List<String> planned = s.plan().conditions() == null ? s.plan().scalings() : s.plan().conditions();
    long missing = planned.size() - s.scalings().size();
    List<String> partial = new ArrayList<>();
    if (fewer > 0) {
      partial.add(fewer + " with fewer");
    }
    if (missing > 0) {
      partial.add(missing + " of " + planned.size() + " not run");
    }
    return "seeds " + join(union) + (partial.isEmpty() ? " (" + spread + ")" : " (partial: " + String.join(", ", partial) + ")");
  }

  private static String join(List<Long> seeds) {
    return String.join(", ", seeds.stream().map(String::valueOf).toList());
  }

  /**
   * The mean line of {@code bands} at {@code xs} and, with two or more seeds, their min–max band;
   * dashed for a second quantity of the same condition (validation loss beside train loss).
   */
  private static void add(XYChart chart, ScalingSummary x, Map<String, Color> colors, List<Double> xs, List<Band> bands,
      String name, boolean dashed) {
    Color color = colors.get(x.scaling());
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
    style(line, color, dashed
        ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f)
        : new BasicStroke(2.5f), !dashed);
  }

  private static void style(XYSeries line, Color color, BasicStroke stroke, boolean markers) {
    line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    line.setLineColor(color);
    line.setLineStyle(stroke);
    line.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    line.setMarkerColor(color);
  }

  private static String legend(ScalingSummary x) {
    return legend(x.scaling());
  }

  /** "none (raw 0..255)" for a bare scaling; a condition's label as it is. */
  static String legend(String condition) {
    for (int i = 0; i < LEGEND.length; i += 2) {
      if (LEGEND[i].equals(condition)) {
        return condition + " (" + LEGEND[i + 1] + ")";
      }
    }
    return condition;
  }

  /** Finite and, for the log axis, positive. */
  private static boolean plottable(double v) {
    return Double.isFinite(v) && v > 0;
  }
}
