package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.NetworkProbe;

class MechanismChartTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /**
   * Probes shaped like a real run: raw pixels start with |z| and gradients two to three decades
   * above the scaled runs, and kill more ReLUs as training goes on.
   */
  static List<NetworkProbe> run(double zScale, double gradScale, double deadGrowth) {
    List<NetworkProbe> probes = new ArrayList<>();
    double[] epochs = {0, 0.25, 0.5, 1};
    for (double e : epochs) {
      List<LayerProbe> layers = new ArrayList<>();
      String[] names = {"conv1", "conv2", "dense"};
      for (int k = 0; k < 3; k++) {
        double z = zScale * (1 + e) * (1 + k * 0.3);
        layers.add(new LayerProbe(names[k], z, 18 * z, Math.min(1, 0.1 + k * 0.02 + deadGrowth * e * (k + 1)),
            gradScale * Math.exp(-2 * e) * (1 + k)));
      }
      probes.add(new NetworkProbe(e, Math.round(e * 6000), layers));
    }
    return probes;
  }

  static Map<String, List<NetworkProbe>> threeScalings() {
    Map<String, List<NetworkProbe>> m = new LinkedHashMap<>();
    m.put("none", run(10.6, 220, 0.2));
    m.put("minmax", run(0.042, 0.17, 0.03));
    m.put("standardize", run(0.3, 1.2, 0.05));
    return m;
  }

  @Test
  void rendersOnePngOfThreePanelsAndWritesItForALook() throws Exception {
    byte[] png = MechanismChart.png(threeScalings());

    assertThat(Arrays.copyOf(png, 8)).isEqualTo(PNG_SIGNATURE);
    assertThat(png.length).isGreaterThan(10_000);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(3 * MechanismChart.PANEL_WIDTH);
    assertThat(image.getHeight()).isGreaterThan(MechanismChart.PANEL_HEIGHT);
    Files.write(Path.of("target", "mechanism-chart-test.png"), png);
  }

  /** The causal arm's eight lines in one row were a tangle: a row per network, axes shared down the columns. */
  @Test
  void aStudyOfNetworksGetsARowPerNetworkOnSharedAxes() throws Exception {
    Map<String, List<NetworkProbe>> probes = new LinkedHashMap<>();
    probes.put("none", run(10.6, 220, 0.2));
    probes.put("minmax", run(0.042, 0.17, 0.03));
    probes.put("none + batchnorm-conv1", run(0.3, 3, 0.05));
    probes.put("minmax + batchnorm-conv1", run(0.3, 3, 0.06));
    Map<String, String> rows = Map.of("none", "lenet", "minmax", "lenet", "none + batchnorm-conv1", "batchnorm-conv1",
        "minmax + batchnorm-conv1", "batchnorm-conv1");
    MechanismChart.Shown shown = new MechanismChart.Shown(probes, Map.of(), rows);
    List<List<XYChart>> panels = MechanismChart.panels(shown);
    assertThat(panels).hasSize(2);
    assertThat(panels.get(1).get(1).getTitle()).isEqualTo("Dead ReLUs per layer \u2014 batchnorm-conv1");
    assertThat(panels.get(1).get(1).getSeriesMap()).containsOnlyKeys("none + batchnorm-conv1 conv1",
        "none + batchnorm-conv1 conv2", "none + batchnorm-conv1 dense", "minmax + batchnorm-conv1 conv1",
        "minmax + batchnorm-conv1 conv2", "minmax + batchnorm-conv1 dense");
    for (int column = 0; column < 3; column++) {
      assertThat(panels.get(1).get(column).getStyler().getYAxisMax()).as("column " + column)
          .isEqualTo(panels.get(0).get(column).getStyler().getYAxisMax());
      assertThat(panels.get(1).get(column).getStyler().getYAxisMin()).as("column " + column)
          .isEqualTo(panels.get(0).get(column).getStyler().getYAxisMin());
    }
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(MechanismChart.png(shown)));
    assertThat(image.getHeight()).isEqualTo(MechanismChart.HEADER + 2 * MechanismChart.PANEL_HEIGHT);
    Files.write(Path.of("target", "mechanism-chart-rows-test.png"), MechanismChart.png(shown));
  }

  @Test
  void aZeroGradientOrAnUnknownScalingStillDraws() throws Exception {
    Map<String, List<NetworkProbe>> m = new LinkedHashMap<>();
    List<LayerProbe> dead = List.of(new LayerProbe("conv1", 0, 0, 1, 0), new LayerProbe("conv2", 0, 0, 1, 0),
        new LayerProbe("dense", 0, 0, 1, 0));
    m.put("none", List.of(new NetworkProbe(0, 0, dead)));
    m.put("other", run(1, 1, 0.1));
    assertThat(MechanismChart.png(m)).startsWith(PNG_SIGNATURE);
  }

  @Test
  void noProbesIsRefused() {
    assertThatThrownBy(() -> MechanismChart.png(Map.of("none", List.of()))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSeedsShownAreNamed() {
    Map<String, List<NetworkProbe>> probes = threeScalings();
    assertThat(MechanismChart.seedsLine(new MechanismChart.Shown(probes, Map.of("none", 43L, "minmax", 43L,
        "standardize", 43L)))).isEqualTo("seed 43 for every line");
    Map<String, Long> mixed = new LinkedHashMap<>();
    mixed.put("none", 43L);
    mixed.put("minmax", 43L);
    mixed.put("standardize", 42L);
    assertThat(MechanismChart.seedsLine(new MechanismChart.Shown(probes, mixed)))
        .isEqualTo("one run each, none: seed 43; minmax: seed 43; standardize: seed 42");
  }

  @Test
  void linesDrawnOverEachOtherAreNamedUnderThePanel() {
    // plain SGD on raw pixels: after epoch 1 every layer's ReLUs are dead, three lines at 100%
    List<NetworkProbe> sgd = new ArrayList<>();
    double[][] dead = {{0.136, 0.005, 0.11}, {1, 1, 0.994}, {1, 1, 0.994}, {1, 1, 0.994}};
    double[] epochs = {0, 1, 2, 4};
    for (int i = 0; i < epochs.length; i++) {
      sgd.add(new NetworkProbe(epochs[i], 0, List.of(new LayerProbe("conv1", 1, 2, dead[i][0], 1),
          new LayerProbe("conv2", 1, 2, dead[i][1], 1), new LayerProbe("dense", 1, 2, dead[i][2], 1))));
    }
    Map<String, List<NetworkProbe>> m = new LinkedHashMap<>();
    m.put("none", sgd);
    m.put("minmax", run(0.042, 0.17, 0.03));
    var panel = MechanismChart.deadFractionPanel(m, MechanismChart.colors(m), List.of("conv1", "conv2", "dense"), "");
    assertThat(panel.getXAxisTitle()).contains("none: conv2, dense on conv1 from epoch 1")
        .doesNotContain("minmax:");
    Map<String, List<NetworkProbe>> bothDead = new LinkedHashMap<>();
    bothDead.put("none @ 0.01", sgd);
    bothDead.put("minmax @ 0.01", sgd);
    var row = MechanismChart.deadFractionPanel(bothDead, MechanismChart.colors(bothDead), List.of("conv1", "conv2", "dense"),
        "rate 0.01");
    assertThat(row.getXAxisTitle()).as("one note for both, named by scaling: the row's title names the rate")
        .isEqualTo("epochs trained (hidden lines: none and minmax: conv2, dense on conv1 from epoch 1)");
    Map<String, List<NetworkProbe>> longName = Map.of("minmax + batchnorm-conv1 @ 0.0003", sgd);
    var longNote = MechanismChart.deadFractionPanel(longName, MechanismChart.colors(longName), List.of("conv1", "conv2", "dense"), "");
    var font = longNote.getStyler().getAxisTitleFont();
    assertThat(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font)
        .stringWidth(longNote.getXAxisTitle())).as("a long note fits its panel").isLessThanOrEqualTo(MechanismChart.NOTE_WIDTH);
  }
}
