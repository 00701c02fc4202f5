package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionColorsTest {
  @Test
  void aScalingKeepsItsColourAndItsOtherConditionsGetShadesOfItFarApart() {
    List<String> sgd = List.of("none @ 0.0000392", "none @ 0.0002", "none @ 0.001", "none @ 0.01",
        "minmax @ 0.0000392", "minmax @ 0.0002", "minmax @ 0.001", "minmax @ 0.01");
    Map<String, Color> c = ConditionColors.of(sgd);
    Map<String, Color> plain = ConditionColors.of(List.of("none", "minmax", "standardize"));
    assertThat(plain.get("none")).isEqualTo(new Color(0xD6, 0x27, 0x28));
    assertThat(c.values()).doesNotHaveDuplicates();
    // the SGD arm's loss plot: "none @ 0.0002" and "none @ 0.01" were two dark reds 55 apart
    for (String a : sgd) {
      for (String b : sgd) {
        if (!a.equals(b)) {
          assertThat(distance(c.get(a), c.get(b))).as("%s vs %s", a, b).isGreaterThan(65);
        }
      }
    }
    // shades of red stay red: the red channel leads
    for (String none : sgd.subList(0, 4)) {
      Color x = c.get(none);
      assertThat(x.getRed()).as(none).isGreaterThan(Math.max(x.getGreen(), x.getBlue()));
    }
    assertThat(StudyPlan.scalingOf("minmax + leaky-relu-conv2 @ 0.003")).isEqualTo("minmax");
  }

  private static double distance(Color a, Color b) {
    return Math.sqrt(Math.pow(a.getRed() - b.getRed(), 2) + Math.pow(a.getGreen() - b.getGreen(), 2)
        + Math.pow(a.getBlue() - b.getBlue(), 2));
  }
}
