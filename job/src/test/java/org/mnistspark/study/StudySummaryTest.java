package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;
import static org.mnistspark.scale.Scaling.STANDARDIZE;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.mnistspark.scale.Scaling;

/** Aggregation over seeds and epochs-to-threshold, on hand-made runs. */
class StudySummaryTest {

  @Test
  void bandHoldsMeanMinAndMax() {
    assertThat(Band.of(0.97, 0.99, 0.98)).isEqualTo(new Band(0.98, 0.97, 0.99));
    assertThat(Band.of(0.5)).isEqualTo(new Band(0.5, 0.5, 0.5));
    assertThatThrownBy(Band::of).isInstanceOf(IllegalArgumentException.class).hasMessage("no values to summarize");
  }

  @Test
  void bandsOverlapUnlessOneLiesEntirelyAboveTheOther() {
    Band low = Band.of(0.95, 0.96);
    Band high = Band.of(0.97, 0.98);
    Band touching = Band.of(0.96, 0.97);
    assertThat(high.entirelyAbove(low)).isTrue();
    assertThat(low.entirelyAbove(high)).isFalse();
    assertThat(high.overlaps(low)).isFalse();
    assertThat(touching.overlaps(low)).as("sharing one point counts as overlap").isTrue();
    assertThat(touching.overlaps(high)).isTrue();
  }

  /** One case of firstEpochReaching: curve, threshold, expected 1-based epoch (0 = not reached). */
  private static void checkFirstEpoch(double[] curve, double threshold, int expected) {
    OptionalInt e = ScalingSummary.firstEpochReaching(curve, threshold);
    assertThat(e).as("first epoch of %s at %s", java.util.Arrays.toString(curve), threshold)
        .isEqualTo(expected == 0 ? OptionalInt.empty() : OptionalInt.of(expected));
  }

  @Test
  void firstEpochReachingAThreshold() {
    checkFirstEpoch(new double[] {0.97, 0.981, 0.991}, 0.98, 2);
    checkFirstEpoch(new double[] {0.97, 0.981, 0.991}, 0.99, 3);
    checkFirstEpoch(new double[] {0.97, 0.98}, 0.98, 2); // reaching means at least
    checkFirstEpoch(new double[] {0.9799999, 0.97}, 0.98, 0);
    checkFirstEpoch(new double[] {0.99, 0.97}, 0.98, 1); // a later dip does not undo it
    checkFirstEpoch(new double[] {0.90, 0.95}, 0.98, 0);
    checkFirstEpoch(new double[] {}, 0.98, 0);
  }

  @Test
  void aggregatesEachEpochOverSeedsAndFindsThresholdsOnTheMeanCurve() {
    StudyPlan plan = Runs.plan(3, 2, MINMAX);
    StudyPlan.Run first = Runs.run(plan, MINMAX, 0);
    StudyPlan.Run second = Runs.run(plan, MINMAX, 1);
    StudyResults r = StudyResults.empty(plan)
        .with(first, Runs.record(first, 0.990, 10, 0.981, 0.985, 0.992), "t1")
        .with(second, Runs.record(second, 0.986, 20, 0.975, 0.983, 0.986), "t2");

    ScalingSummary s = StudySummary.of(plan, r).scalings().get(0);
    assertThat(s.scaling()).isEqualTo("minmax");
    assertThat(s.seeds()).containsExactly(42L, 43L);
    assertThat(s.epochs()).isEqualTo(3);
    assertBand(s.validationAccuracy().get(0), 0.978, 0.975, 0.981);
    assertBand(s.validationAccuracy().get(2), 0.989, 0.986, 0.992);
    assertBand(s.trainLoss().get(0), 0.022, 0.019, 0.025);
    assertBand(s.testAccuracy(), 0.988, 0.986, 0.990);
    assertBand(s.secondsPerEpoch(), 15, 10, 20);
    assertThat(s.samplesPerSecond()).isCloseTo((160 + 80) / 2.0, within(1e-9));
    // seed 42 reached 98% after epoch 1, seed 43 after epoch 2; the mean (0.978, 0.984) after epoch 2
    assertThat(s.epochReaching(0.98)).hasValue(2);
    assertThat(s.epochReachingPerSeed(0.98)).containsExactly(OptionalInt.of(1), OptionalInt.of(2));
    assertThat(s.epochReaching(0.99)).isEmpty();
    assertThat(s.epochReachingPerSeed(0.99)).containsExactly(OptionalInt.of(3), OptionalInt.empty());
  }

  @Test
  void summaryFollowsPlanOrderCountsFinishedRunsAndIgnoresRunsOfOtherOptions() {
    StudyPlan plan = Runs.plan(2, 2, NONE, MINMAX, STANDARDIZE);
    StudyPlan.Run minmax = Runs.run(plan, MINMAX, 0);
    StudyPlan.Run none = Runs.run(plan, NONE, 1);
    StudyPlan otherRate = new StudyPlan(plan.base().withLearningRate(0.01), plan.scalings(), 2);
    StudyPlan.Run stale = Runs.run(otherRate, STANDARDIZE, 0);
    StudyResults r = StudyResults.empty(plan)
        .with(minmax, Runs.record(minmax, 0.9, 1, 0.8, 0.9), "t")
        .with(stale, Runs.record(stale, 0.9, 1, 0.8, 0.9), "t")
        .with(none, Runs.record(none, 0.8, 1, 0.7, 0.8), "t");

    StudySummary s = StudySummary.of(plan, r);
    assertThat(s.scalings()).extracting(ScalingSummary::scaling).containsExactly("none", "minmax");
    assertThat(s.planned()).isEqualTo(6);
    assertThat(s.finished()).isEqualTo(2);
    assertThat(s.complete()).isFalse();
    assertThat(s.byTestAccuracy()).extracting(ScalingSummary::scaling).containsExactly("minmax", "none");
    assertThat(s.data().trainImages()).isEqualTo(1600);
  }

  @Test
  void aSummaryNeedsAFinishedRunAndBandsCountTheSeedsThatRanEachEpoch() {
    StudyPlan plan = Runs.plan(2, 2, MINMAX);
    assertThatThrownBy(() -> StudySummary.of(plan, StudyResults.empty(plan)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no run of the plan has finished yet");
    StudyPlan.Run a = Runs.run(plan, MINMAX, 0);
    StudyPlan.Run b = Runs.run(plan, MINMAX, 1);
    // b stopped early after epoch 1: epoch 2's band is a's alone
    ScalingSummary s = ScalingSummary.of(List.of(Runs.record(a, 0.9, 1, 0.8, 0.9), Runs.record(b, 0.9, 1, 0.7)));
    assertThat(s.epochs()).isEqualTo(2);
    assertThat(s.validationAccuracy().get(0)).isEqualTo(new Band(0.75, 0.7, 0.8));
    assertThat(s.validationAccuracy().get(1)).isEqualTo(new Band(0.9, 0.9, 0.9));
  }

  @Test
  void planRunsEveryScalingUnderOneSeedBeforeTheNext() {
    StudyPlan plan = Runs.plan(2, 2, STANDARDIZE, NONE);
    assertThat(plan.runs()).extracting(StudyPlan.Run::toString)
        .containsExactly("standardize, seed 42", "none, seed 42", "standardize, seed 43", "none, seed 43");
    assertThat(plan.runs()).extracting(StudyPlan.Run::number).containsExactly(1, 2, 3, 4);
    StudyPlan.Run run = plan.runs().get(2);
    assertThat(run.config().scaling()).isEqualTo(STANDARDIZE);
    assertThat(run.config().seed()).isEqualTo(43);
    assertThat(run.config().withScaling(Scaling.STANDARDIZE).withSeed(43L)).isEqualTo(run.config());
    assertThatThrownBy(() -> Runs.plan(2, 0, NONE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Runs.plan(2, 1, NONE, NONE)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertBand(Band b, double mean, double min, double max) {
    assertThat(b.mean()).as("mean").isCloseTo(mean, within(1e-9));
    assertThat(b.min()).as("min").isCloseTo(min, within(1e-9));
    assertThat(b.max()).as("max").isCloseTo(max, within(1e-9));
  }
}
