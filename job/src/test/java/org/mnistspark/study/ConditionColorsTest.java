package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionColorsTest {
  @Test
  void aScalingKeepsItsColourAndItsOtherConditionsGetDistinctShadesOfIt() {
    Map<String, Color> c = ConditionColors.of(List.of("none @ 0.0001", "minmax @ 0.0001", "none @ 0.001", "minmax @ 0.001",
        "none + batchnorm-conv1 @ 0.0001"));
    Map<String, Color> plain = ConditionColors.of(List.of("none", "minmax", "standardize"));
    assertThat(c.get("none @ 0.0001")).isEqualTo(plain.get("none"));
    assertThat(c.get("minmax @ 0.0001")).isEqualTo(plain.get("minmax"));
    assertThat(c.values()).doesNotHaveDuplicates();
    // shades of red stay red: the red channel leads
    for (String none : List.of("none @ 0.001", "none + batchnorm-conv1 @ 0.0001")) {
      Color x = c.get(none);
      assertThat(x.getRed()).as(none).isGreaterThanOrEqualTo(Math.max(x.getGreen(), x.getBlue()));
    }
    assertThat(StudyPlan.scalingOf("minmax + leaky-relu-conv2 @ 0.003")).isEqualTo("minmax");
  }
}
