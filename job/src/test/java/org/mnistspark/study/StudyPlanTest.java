package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;

import java.util.List;
import org.junit.jupiter.api.Test;

class StudyPlanTest {
  private final StudyPlan arms = new StudyPlan(Runs.base(2), List.of(NONE, MINMAX), 2, List.of(0.98),
      List.of(0.0001, 0.01 / 255), List.of("lenet", "batchnorm-conv1"), "");

  @Test
  void everyScalingRunsAtEveryRateWithEveryVariantUnderEachSeed() {
    assertThat(arms.conditions()).containsExactly("none @ 0.0001", "minmax @ 0.0001", "none @ 0.0000392",
        "minmax @ 0.0000392", "none + batchnorm-conv1 @ 0.0001", "minmax + batchnorm-conv1 @ 0.0001",
        "none + batchnorm-conv1 @ 0.0000392", "minmax + batchnorm-conv1 @ 0.0000392");
    List<StudyPlan.Run> runs = arms.runs();
    assertThat(runs).hasSize(16);
    assertThat(runs.subList(0, 8)).allMatch(r -> r.seed() == 42);
    StudyPlan.Run r = runs.get(6);
    assertThat(r.toString()).isEqualTo("none + batchnorm-conv1 @ 0.0000392, seed 42");
    assertThat(r.config().learningRate()).isEqualTo(0.01 / 255);
    assertThat(r.config().networkVariant()).isEqualTo("batchnorm-conv1");
    assertThat(r.config().scaling()).isEqualTo(NONE);
    assertThat(RunRecord.optionsOf(r.config())).containsEntry("network-variant", "batchnorm-conv1");
    assertThat(RunRecord.optionsOf(runs.get(0).config())).as("the LeNet's runs match those recorded before variants")
        .doesNotContainKey("network-variant");
  }

  /** The readers of a condition's label give back what the plan built it from. */
  @Test
  void aLabelReadsBackAsItsScalingAndWhatItSharesWithTheOtherScalings() {
    assertThat(arms.conditions()).extracting(StudyPlan::scalingOf)
        .containsExactly("none", "minmax", "none", "minmax", "none", "minmax", "none", "minmax");
    assertThat(arms.conditions()).extracting(StudyPlan::settingOf).containsExactly("@ 0.0001", "@ 0.0001",
        "@ 0.0000392", "@ 0.0000392", "batchnorm-conv1 @ 0.0001", "batchnorm-conv1 @ 0.0001",
        "batchnorm-conv1 @ 0.0000392", "batchnorm-conv1 @ 0.0000392");
    assertThat(StudyPlan.settingOf("none")).isEmpty();
  }

  @Test
  void aPlanOfScalingsOnlyLabelsItsConditionsByScaling() {
    StudyPlan plain = Runs.plan(2, 1, NONE, MINMAX);
    assertThat(plain.conditions()).containsExactly("none", "minmax");
    assertThat(plain.runs()).extracting(StudyPlan.Run::toString).containsExactly("none, seed 42", "minmax, seed 42");
    StudyPlan oneVariant = new StudyPlan(Runs.base(2), List.of(NONE), 1, List.of(0.98), List.of(), List.of("leaky-relu-conv2"), "");
    assertThat(oneVariant.conditions()).containsExactly("none + leaky-relu-conv2");
  }

  @Test
  void theResultsPlanKnowsEachConditionsRate() {
    StudyResults.Plan p = StudyResults.Plan.of(arms);
    assertThat(p.learningRateOf("minmax @ 0.0001")).isEqualTo(0.0001);
    assertThat(p.learningRateOf("none + batchnorm-conv1 @ 0.0000392")).isEqualTo(0.01 / 255);
    assertThat(p.options()).doesNotContainKeys("learning-rate", "network-variant", "scaling", "seed");
  }
}
