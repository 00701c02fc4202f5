package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;
import static org.mnistspark.scale.Scaling.STANDARDIZE;

import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

class ChartsTest {
  private static StudySummary threeScalingsTwoSeeds() {
    StudyPlan plan = Runs.plan(4, 2, NONE, MINMAX, STANDARDIZE);
    StudyResults r = StudyResults.empty(plan);
    double[][] curves = {
        {0.951, 0.972, 0.979, 0.983}, {0.946, 0.969, 0.981, 0.985},
        {0.978, 0.986, 0.989, 0.991}, {0.976, 0.985, 0.990, 0.992},
        {0.979, 0.987, 0.989, 0.990}, {0.980, 0.986, 0.991, 0.991}};
    int i = 0;
    for (var s : plan.scalings()) {
      for (int seed = 0; seed < 2; seed++) {
        StudyPlan.Run run = Runs.run(plan, s, seed);
        r = r.with(run, Runs.record(run, curves[i][3] - 0.001, 60, curves[i++]), "t");
      }
    }
    return StudySummary.of(plan, r);
  }

  @Test
  void accuracyAxesFitTheDataWithoutClippingTheFirstChecksOrPinningTheTopAt100() {
    StudySummary s = threeScalingsTwoSeeds();
    for (XYChart chart : List.of(Charts.accuracyChart(s), Charts.curveChart(s, Charts.CurveAxis.IMAGES))) {
      double low = chart.getSeriesMap().values().stream().flatMapToDouble(x -> Arrays.stream(x.getYData())).min().orElseThrow();
      double high = chart.getSeriesMap().values().stream().flatMapToDouble(x -> Arrays.stream(x.getYData())).max().orElseThrow();
      assertThat(chart.getStyler().getYAxisMin()).as(chart.getTitle()).isLessThanOrEqualTo(low).isGreaterThan(low - 0.01);
      assertThat(chart.getStyler().getYAxisMax()).as(chart.getTitle()).isGreaterThanOrEqualTo(high).isLessThan(1.0);
    }
  }

  @Test
  void everyPlotNamesItsSeedsAndWhatHasNotRunYet() {
    assertThat(Charts.subtitle(threeScalingsTwoSeeds(), false, Charts.BANDS)).isEqualTo("mnist, seeds 42, 43 (mean, band min–max)");
    StudyPlan plan = Runs.plan(2, 2, NONE, MINMAX, STANDARDIZE);
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : List.of(Runs.run(plan, NONE, 0), Runs.run(plan, MINMAX, 0), Runs.run(plan, MINMAX, 1))) {
      r = r.with(run, Runs.record(run, 0.98, 1, 0.97, 0.98), "t");
    }
    assertThat(Charts.subtitle(StudySummary.of(plan, r), false, Charts.BANDS))
        .isEqualTo("mnist, seeds none 42; minmax 42, 43 (mean, band min–max); not run yet: standardize");
  }

  /**
   * The learning-rate arm as it stood after its first trained run: raw pixels at 1e-4 on one seed,
   * both scalings at 1e-3 on two (copied), five conditions to go. Its title used to run off both
   * edges of the plot.
   */
  @Test
  void aPartialStudysTitleFitsItsChartWithItsSeedsStillNamed() {
    StudyPlan plan = new StudyPlan(Runs.base(16), List.of(NONE, MINMAX), 2, List.of(0.98, 0.99),
        List.of(0.0001, 0.0003, 0.001, 0.003), List.of(), "");
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      double rate = run.config().learningRate();
      if (rate == 0.001 || (rate == 0.0001 && run.scaling() == NONE && run.seed() == 42)) {
        r = r.with(run, Runs.record(run, 0.988, 60, 0.97, 0.98), "t");
      }
    }
    StudySummary s = StudySummary.of(plan, r);
    for (XYChart chart : List.of(Charts.accuracyChart(s), Charts.curveChart(s, Charts.CurveAxis.IMAGES))) {
      FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
          .getFontMetrics(chart.getStyler().getChartTitleFont());
      // four conditions: the legend is beside the plot, and the title is centred over the plot
      assertThat(fm.stringWidth(chart.getTitle())).as(chart.getTitle())
          .isLessThanOrEqualTo(Charts.titleRoom(s, true)).isLessThan(Charts.WIDTH - 2 * Charts.Y_AXIS);
      assertThat(chart.getTitle()).endsWith("mnist, seeds 42, 43 (partial: 1 with fewer, 5 of 8 not run)");
    }
  }

  /** Fashion-MNIST's three seeds: at 16 points its title ran to the chart's right edge, centred right of the y axis. */
  @Test
  void aLongTitleLeavesRoomForTheYAxis() {
    StudyPlan plan = new StudyPlan(Runs.base(2, java.util.Map.of("dataset", "fashion-mnist")), List.of(NONE, MINMAX, STANDARDIZE),
        3, List.of(0.88));
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      r = r.with(run, Runs.record(run, 0.9, 60, 0.85, 0.88), "t");
    }
    XYChart chart = Charts.curveChart(StudySummary.of(plan, r), Charts.CurveAxis.IMAGES);
    FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
        .getFontMetrics(chart.getStyler().getChartTitleFont());
    assertThat(chart.getTitle()).endsWith("fashion-mnist, seeds 42, 43, 44 (mean, band min–max)");
    assertThat(fm.stringWidth(chart.getTitle())).isLessThanOrEqualTo(Charts.WIDTH - 2 * Charts.Y_AXIS);
  }

  @Test
  void theSecondsPlotCarriesTheTimingWarningTheImagesPlotDoesNot() throws Exception {
    StudyPlan plan = new StudyPlan(Runs.base(2), List.of(NONE, MINMAX), 1, List.of(0.98), List.of(), List.of(),
        "tests ran beside these runs");
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      r = r.with(run, Runs.record(run, 0.98, 1, 0.97, 0.98), "t");
    }
    StudySummary s = StudySummary.of(plan, r);
    assertThat(s.timingWarning()).isEqualTo("tests ran beside these runs");
    BufferedImage seconds = ImageIO.read(new ByteArrayInputStream(Charts.curve(s, Charts.CurveAxis.SECONDS)));
    BufferedImage images = ImageIO.read(new ByteArrayInputStream(Charts.curve(s, Charts.CurveAxis.IMAGES)));
    assertThat(seconds.getHeight()).as("a warning band above the plot").isGreaterThan(Charts.HEIGHT);
    assertThat(images.getHeight()).isEqualTo(Charts.HEIGHT);
    assertThat(StudySummary.of(Runs.plan(2, 1, NONE, MINMAX), r).timingWarning()).as("runs that saw no load").isEmpty();
  }

  /**
   * Fashion-16: one seed stopped early, and the mean's x fell back to the slower seed's seconds, so
   * the line stepped back in time. The mean ends where the first seed stopped; a seed that ran on
   * is a thin line of its own, from its own point there.
   */
  @Test
  void aSeedThatRanOnAfterAnotherStoppedIsItsOwnLineSoNoLineStepsBackInTime() {
    StudyPlan plan = Runs.plan(4, 2, NONE);
    StudyPlan.Run fast = Runs.run(plan, NONE, 0);
    StudyPlan.Run slow = Runs.run(plan, NONE, 1);
    StudyResults r = StudyResults.empty(plan)
        .with(fast, Runs.record(fast, 0.98, 10, 0.95, 0.96, 0.97, 0.975), "t")
        .with(slow, Runs.record(slow, 0.98, 30, 0.94, 0.95), "t");
    XYChart chart = Charts.curveChart(StudySummary.of(plan, r), Charts.CurveAxis.SECONDS);
    List<XYSeries> lines = chart.getSeriesMap().values().stream()
        .filter(x -> x.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Line).toList();
    for (XYSeries line : lines) {
      double[] xs = line.getXData();
      for (int i = 1; i < xs.length; i++) {
        assertThat(xs[i]).as("%s: x of point %d", line.getName(), i).isGreaterThan(xs[i - 1]);
      }
    }
    assertThat(lines).extracting(x -> Arrays.stream(x.getXData()).boxed().toList())
        .as("the mean over both seeds, then seed 42 alone").containsExactlyInAnyOrder(List.of(20.0, 40.0), List.of(20.0, 30.0, 40.0));
    assertThat(chart.getXAxisTitle()).contains("thin line");
  }

  @Test
  void learningRatesGetAPlotOfTheirOwn() throws Exception {
    StudyPlan plan = new StudyPlan(Runs.base(2), List.of(NONE, MINMAX), 2, List.of(0.98), List.of(0.0003, 0.001, 0.003),
        List.of(), "");
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      r = r.with(run, Runs.record(run, run.scaling() == NONE ? 0.985 : 0.99, 1, 0.97, 0.98), "t");
    }
    StudySummary s = StudySummary.of(plan, r);
    assertThat(s.plan().learningRateOf("minmax @ 0.001")).isEqualTo(0.001);
    byte[] png = ComparisonCharts.byLearningRate(s);
    assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(Charts.WIDTH);
    Files.write(Path.of("target", "charts-test-by-rate.png"), png);
    assertThat(ComparisonCharts.byLearningRate(threeScalingsTwoSeeds())).as("one rate: no plot").isNull();
  }

  /**
   * The causal arm: each network variant beside the LeNet, raw pixels and x/255, two seeds, each
   * run with its conv2 dead share after epoch 1 and at the end.
   */
  static StudySummary threeNetworks() {
    StudyPlan plan = new StudyPlan(Runs.base(4), List.of(NONE, MINMAX), 2, List.of(0.98), List.of(),
        List.of("lenet", "batchnorm-conv1", "leaky-relu-conv2"), "");
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      int network = plan.conditions().indexOf(run.condition()) / 2;
      boolean raw = run.scaling() == NONE;
      double test = (raw ? 0.985 + 0.002 * network : 0.992) + (run.seed() - 42) * 0.001;
      double dead = raw && network == 0 ? 0.5 : 0.02 * (network + 1);
      RunRecord record = Runs.withConv2Dead(Runs.record(run, test, 60, 0.97, 0.98, 0.985, 0.987),
          dead + (run.seed() - 42) * 0.02, dead / 2);
      r = r.with(run, Runs.withMistakes(record, raw ? List.of(1, 2, 3) : List.of(3), 1, 2), "t");
    }
    return StudySummary.of(plan, r);
  }

  @Test
  void networkVariantsGetAPlotOfTestAccuracyAndDeadUnitsByNetwork() throws Exception {
    StudySummary s = threeNetworks();
    assertThat(s.plan().variantOf("minmax + leaky-relu-conv2")).isEqualTo("leaky-relu-conv2");
    assertThat(s.plan().variantOf("none")).isEqualTo("lenet");
    List<CategoryChart> panels = ComparisonCharts.byNetworkPanels(s);
    CategorySeries rawTest = panels.get(0).getSeriesMap().get("none (raw 0..255)");
    assertThat(rawTest.getXData().stream().map(Object::toString).toList()).containsExactly("lenet", "batchnorm-conv1", "leaky-relu-conv2");
    assertThat(ys(rawTest)).containsExactly(new double[] {0.9855, 0.9875, 0.9895}, within(1e-9));
    assertThat(ys(panels.get(0).getSeriesMap().get("none (raw 0..255), seed 43"))).containsExactly(new double[] {0.986, 0.988, 0.99}, within(1e-9));
    assertThat(ys(panels.get(1).getSeriesMap().get("none, after epoch 1"))).as("mean of the seeds' shares after epoch 1")
        .containsExactly(new double[] {0.51, 0.05, 0.07}, within(1e-9));
    assertThat(ys(panels.get(1).getSeriesMap().get("minmax, at the end"))).containsExactly(new double[] {0.01, 0.02, 0.03}, within(1e-9));
    assertThat(panels.get(0).getTitle()).endsWith("mnist, seeds 42, 43 (line: mean, diamonds: seeds)");
    byte[] png = ComparisonCharts.byNetwork(s);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
    assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT + ComparisonCharts.DEAD_PANEL_HEIGHT);
    Files.write(Path.of("target", "charts-test-by-network.png"), png);
    assertThat(ComparisonCharts.byNetwork(threeScalingsTwoSeeds())).as("one network: no plot").isNull();
  }

  private static double[] ys(CategorySeries series) {
    return series.getYData().stream().mapToDouble(Number::doubleValue).toArray();
  }

  @Test
  void eachVariantIsPairedWithTheLeNetUnderTheSameScaling() {
    List<String> pairs = threeNetworks().pairedTests().stream().map(t -> t.first() + " vs " + t.second()).toList();
    assertThat(pairs).containsExactly("none vs minmax", "none + batchnorm-conv1 vs minmax + batchnorm-conv1",
        "none + leaky-relu-conv2 vs minmax + leaky-relu-conv2", "none vs none + batchnorm-conv1",
        "minmax vs minmax + batchnorm-conv1", "none vs none + leaky-relu-conv2", "minmax vs minmax + leaky-relu-conv2");
  }

  @Test
  void accuracyAndLossPlotsDecodeAsPngsOfTheDocumentedSize() throws Exception {
    StudySummary s = threeScalingsTwoSeeds();
    for (byte[] png : new byte[][] {Charts.accuracy(s), Charts.loss(s)}) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(image).as("decodes as an image").isNotNull();
      assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
      assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
    }
    // for a look by eye: mvn test leaves them in job/target/
    Files.write(Path.of("target", "charts-test-accuracy.png"), Charts.accuracy(s));
    Files.write(Path.of("target", "charts-test-loss.png"), Charts.loss(s));
  }
}
