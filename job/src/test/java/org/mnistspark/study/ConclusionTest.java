package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;
import static org.mnistspark.scale.Scaling.STANDARDIZE;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mnistspark.scale.Scaling;

/** The generated conclusion says what the numbers show, and no more than the seed spread allows. */
class ConclusionTest {

  /** One scaling's runs: test accuracy, seconds per epoch and validation curve per seed. */
  record Seeded(Scaling scaling, double[] test, double[] seconds, double[][] validation) {}

  private static Seeded seeds(Scaling s, double[] test, double[]... validation) {
    double[] seconds = new double[test.length];
    java.util.Arrays.fill(seconds, 60);
    return new Seeded(s, test, seconds, validation);
  }

  private static StudySummary summary(int seedsPlanned, Seeded... scalings) {
    int epochs = scalings[0].validation()[0].length;
    StudyPlan plan = Runs.plan(epochs, seedsPlanned, java.util.Arrays.stream(scalings).map(Seeded::scaling)
        .toArray(Scaling[]::new));
    StudyResults r = StudyResults.empty(plan);
    for (Seeded x : scalings) {
      for (int i = 0; i < x.test().length; i++) {
        StudyPlan.Run run = Runs.run(plan, x.scaling(), i);
        r = r.with(run, Runs.record(run, x.test()[i], x.seconds()[i], x.validation()[i]), "t");
      }
    }
    return StudySummary.of(plan, r);
  }

  private static final double[] LOW = {0.9850, 0.9860, 0.9855};
  private static final double[] HIGH = {0.9900, 0.9910, 0.9905};
  private static final double[] HIGH_OVERLAPPING = {0.9840, 0.9920, 0.9900};
  private static final double[] SLOW_NONE = {0.950, 0.975, 0.980, 0.984};
  private static final double[] FAST_MINMAX = {0.978, 0.986, 0.990, 0.991};

  /** The causal arm's question is which network closes the gap: the conclusion gives it network by network. */
  @Test
  void aStudyOfNetworksGivesTheGapBetweenScalingsUnderEachNetwork() {
    String gaps = Conclusion.scalingGaps(ChartsTest.threeNetworks()).orElseThrow();
    assertThat(gaps).contains("lenet: none 98.55% vs minmax 99.25% (seed 42 0 vs 2, p = 0.5000; seed 43 0 vs 2, p = 0.5000)")
        .contains("; batchnorm-conv1: none 98.75% vs minmax 99.25% (")
        .contains("; leaky-relu-conv2: none 98.95% vs minmax 99.25% (")
        .doesNotContain("none vs none");
    assertThat(Conclusion.paragraphs(ChartsTest.threeNetworks())).startsWith(gaps);
    StudyPlan plan = Runs.plan(2, 1, NONE, MINMAX);
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      r = r.with(run, Runs.withMistakes(Runs.record(run, 0.98, 1, 0.97, 0.98), List.of(1), 1, 2), "t");
    }
    assertThat(Conclusion.scalingGaps(StudySummary.of(plan, r))).as("scalings only: the ranking says it").isEmpty();
  }

  @Test
  void aStudyOfRatesGivesTheGapRateByRate() {
    StudyPlan plan = new StudyPlan(Runs.base(2), List.of(NONE, MINMAX), 1, List.of(0.98), List.of(0.0001, 0.003),
        List.of(), "");
    StudyResults r = StudyResults.empty(plan);
    for (StudyPlan.Run run : plan.runs()) {
      boolean raw = run.scaling() == NONE;
      r = r.with(run, Runs.withMistakes(Runs.record(run, raw ? 0.98 : 0.99, 1, 0.97, 0.98), raw ? List.of(1, 2) : List.of(),
          1, 2), "t");
    }
    assertThat(Conclusion.scalingGaps(StudySummary.of(plan, r)).orElseThrow())
        .startsWith("Between scalings").contains(": rate 0.0001: none 98.00% vs minmax 99.00% (seed 42 0 vs 2, p = 0.5000)")
        .contains("; rate 0.003: none 98.00% vs minmax 99.00% (");
  }

  @Test
  void namesTheScalingWithTheHigherMeanTestAccuracyWhicheverItIs() {
    String minmaxBetter = Conclusion.accuracy(summary(3,
        seeds(NONE, LOW, SLOW_NONE, SLOW_NONE, SLOW_NONE), seeds(MINMAX, HIGH, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX)));
    assertThat(minmaxBetter).startsWith("minmax had the highest mean test accuracy, 99.05% (min–max over 3 seeds: 99.00–99.10%).");
    String noneBetter = Conclusion.accuracy(summary(3,
        seeds(NONE, HIGH, SLOW_NONE, SLOW_NONE, SLOW_NONE), seeds(MINMAX, LOW, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX)));
    assertThat(noneBetter).startsWith("none had the highest mean test accuracy, 99.05%");
  }

  @Test
  void aGapBeyondTheSeedSpreadIsCalledSo() {
    String text = Conclusion.accuracy(summary(3,
        seeds(NONE, LOW, SLOW_NONE, SLOW_NONE, SLOW_NONE), seeds(MINMAX, HIGH, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX)));
    assertThat(text).contains("none: 98.55% (min–max over 3 seeds: 98.50–98.60%), 0.50 points lower. Every seed of none "
        + "scored below every minmax seed, so the difference is larger than the spread between seeds.");
  }

  @Test
  void overlappingRangesAreCalledWithinTheSeedSpread() {
    String text = Conclusion.accuracy(summary(3,
        seeds(NONE, LOW, SLOW_NONE, SLOW_NONE, SLOW_NONE),
        seeds(MINMAX, HIGH_OVERLAPPING, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX)));
    assertThat(text).contains("0.32 points lower. The ranges over seeds of none overlap minmax's: within the seed "
        + "spread, so these runs do not show minmax to be more accurate than none.");
    assertThat(text).doesNotContain("larger than the spread");
  }

  @Test
  void withOneSeedNoDifferenceIsJudged() {
    StudySummary s = summary(1, seeds(NONE, new double[] {0.98}, SLOW_NONE), seeds(MINMAX, new double[] {0.99}, FAST_MINMAX));
    assertThat(Conclusion.accuracy(s)).isEqualTo("minmax had the highest mean test accuracy, 99.00% (one seed). "
        + "none: 98.00% (one seed), 1.00 points lower. With one seed there is no spread to judge that gap by.");
    assertThat(Conclusion.paragraphs(s)).last().asString().startsWith("Each scaling ran under one seed, so there is no "
        + "spread between seeds to judge these differences by");
  }

  /** A study of many conditions reads as one ranking, each kind of judgement said once for the conditions it fits. */
  @Test
  void eachJudgementIsSaidOnceForTheConditionsItFits() {
    String mixed = Conclusion.accuracy(summary(3,
        seeds(MINMAX, HIGH, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX),
        seeds(NONE, LOW, SLOW_NONE, SLOW_NONE, SLOW_NONE),
        seeds(STANDARDIZE, HIGH_OVERLAPPING, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX)));
    assertThat(mixed).isEqualTo("minmax had the highest mean test accuracy, 99.05% (min–max over 3 seeds: 99.00–99.10%). "
        + "standardize: 98.87% (min–max over 3 seeds: 98.40–99.20%), 0.18 points lower; "
        + "none: 98.55% (min–max over 3 seeds: 98.50–98.60%), 0.50 points lower. "
        + "Every seed of none scored below every minmax seed, so the difference is larger than the spread between seeds. "
        + "The ranges over seeds of standardize overlap minmax's: within the seed spread, so these runs do not show minmax "
        + "to be more accurate than standardize.");
    String oneSeed = Conclusion.accuracy(summary(1,
        seeds(MINMAX, new double[] {0.99}, FAST_MINMAX),
        seeds(NONE, new double[] {0.98}, SLOW_NONE),
        seeds(STANDARDIZE, new double[] {0.97}, SLOW_NONE)));
    assertThat(oneSeed).endsWith("With one seed there is no spread to judge those gaps by.");
    assertThat(oneSeed.split("no spread", -1)).as("the caveat once, not once per condition").hasSize(2);
  }

  /** Seven conditions named again right after the ranking hid the verdict (and "none and none + ..." read oddly). */
  @Test
  void whenEveryOtherConditionIsBeyondTheSpreadItSaysSoWithoutNamingThemAgain() {
    StudyPlan plan = new StudyPlan(Runs.base(2), List.of(NONE, MINMAX), 2, List.of(0.98), List.of(0.0001, 0.003),
        List.of(), "");
    StudyResults r = StudyResults.empty(plan);
    double[] byCondition = {0.97, 0.99, 0.96, 0.98};
    for (StudyPlan.Run run : plan.runs()) {
      int condition = plan.conditions().indexOf(run.condition());
      r = r.with(run, Runs.record(run, byCondition[condition] + run.seed() * 1e-5, 1, 0.97, 0.98), "t");
    }
    assertThat(Conclusion.accuracy(StudySummary.of(plan, r))).contains(" Every seed of every other condition scored "
        + "below every minmax @ 0.0001 seed, so those differences are larger than the spread between seeds.");
  }

  @Test
  void thresholdSentenceSaysWhenEachScalingReached98And99Percent() {
    StudySummary s = summary(1,
        seeds(MINMAX, new double[] {0.99}, FAST_MINMAX),
        seeds(NONE, new double[] {0.98}, SLOW_NONE),
        seeds(STANDARDIZE, new double[] {0.97}, new double[] {0.95, 0.96, 0.97, 0.975}));
    assertThat(Conclusion.thresholds(s)).isEqualTo("Validation accuracy, mean over seeds: "
        + "minmax reached 98% at epoch 2 and 99% at epoch 3; "
        + "none reached 98% at epoch 3 and had not reached 99% after 4 epochs; "
        + "standardize had not reached 98% after 4 epochs.");
  }

  @Test
  void thresholdsComeFromThePlan() {
    StudyPlan plan = new StudyPlan(Runs.base(2), java.util.List.of(MINMAX), 1, java.util.List.of(0.9, 0.985));
    StudyPlan.Run run = plan.runs().get(0);
    StudySummary s = StudySummary.of(plan,
        StudyResults.empty(plan).with(run, Runs.record(run, 0.99, 1, 0.95, 0.986), "t"));
    assertThat(Conclusion.thresholds(s)).isEqualTo(
        "Validation accuracy, mean over seeds: minmax reached 90% at epoch 1 and 98.5% at epoch 2.");
  }

  @Test
  void catchingUpComparesTheBaselineWithTheBestOtherScalingAtFirstAndLastEpoch() {
    StudySummary s = summary(3,
        seeds(NONE, LOW, SLOW_NONE, SLOW_NONE, new double[] {0.952, 0.977, 0.982, 0.986}),
        seeds(MINMAX, HIGH, FAST_MINMAX, FAST_MINMAX, FAST_MINMAX));
    assertThat(Conclusion.catchingUp(s)).hasValue("Catching up: none's mean validation accuracy was 2.73 points below "
        + "minmax's after epoch 1 and 0.63 points below after epoch 4: the gap narrowed. After epoch 4 every none seed "
        + "was still below every minmax seed: within 4 epochs none had not caught up. Over the whole runs, none's mean "
        + "validation accuracy peaked at 98.47% (epoch 4), minmax's at 99.10% (epoch 4); none never reached it within "
        + "4 epochs, ending 0.63 points below it.");

    // mnist-single-jvm-16: at its last epoch only 2 of 5 none seeds and 1 of 5 minmax seeds still
    // ran; the gap is compared at the last epoch every seed of both ran
    StudySummary stopped = summary(2,
        seeds(NONE, new double[] {0.985, 0.986}, SLOW_NONE, new double[] {0.950, 0.975, 0.980}),
        seeds(MINMAX, new double[] {0.990, 0.991}, FAST_MINMAX, FAST_MINMAX));
    assertThat(Conclusion.catchingUp(stopped).orElseThrow())
        .contains("1.00 points below after epoch 3, the last every seed of both ran: the gap narrowed. After epoch 3 "
            + "every none seed was still below every minmax seed: within 3 epochs none had not caught up.");

    StudySummary caughtUp = summary(2,
        seeds(NONE, new double[] {0.985, 0.986}, SLOW_NONE, new double[] {0.950, 0.975, 0.985, 0.9915}),
        seeds(MINMAX, new double[] {0.990, 0.991}, FAST_MINMAX, FAST_MINMAX));
    assertThat(Conclusion.catchingUp(caughtUp).orElseThrow())
        .contains("After epoch 4 the ranges over seeds overlap: the remaining difference is within the seed spread.")
        .endsWith("none never reached it within 4 epochs, ending 0.32 points below it.");

    StudySummary noBaseline = summary(1, seeds(MINMAX, new double[] {0.99}, FAST_MINMAX),
        seeds(STANDARDIZE, new double[] {0.99}, FAST_MINMAX));
    assertThat(Conclusion.catchingUp(noBaseline)).isEmpty();
  }

  @Test
  void speedIsComparedAgainstTheSpreadOfPerRunTimes() {
    Seeded fast = new Seeded(MINMAX, HIGH, new double[] {50, 51, 52}, new double[][] {FAST_MINMAX, FAST_MINMAX, FAST_MINMAX});
    Seeded slow = new Seeded(NONE, LOW, new double[] {60, 61, 62}, new double[][] {SLOW_NONE, SLOW_NONE, SLOW_NONE});
    Seeded overlapping = new Seeded(NONE, LOW, new double[] {49, 61, 62}, new double[][] {SLOW_NONE, SLOW_NONE, SLOW_NONE});
    assertThat(Conclusion.speed(summary(3, slow, fast))).isEqualTo("Mean seconds per training epoch: none 61.0 s, "
        + "minmax 51.0 s. Every minmax run took less time per epoch than every none run.");
    assertThat(Conclusion.speed(summary(3, overlapping, fast))).endsWith("The per-run times of the fastest (minmax) "
        + "and slowest (none) overlap, so scaling did not measurably change the time an epoch takes.");
  }

  @Test
  void partialResultsSaySo() {
    StudySummary s = summary(3, seeds(NONE, new double[] {0.98}, SLOW_NONE), seeds(MINMAX, new double[] {0.99}, FAST_MINMAX));
    List<String> p = Conclusion.paragraphs(s);
    assertThat(p.get(0)).isEqualTo("Partial results: 2 of 6 planned runs have finished; the numbers may change as the "
        + "rest complete.");
    assertThat(p).last().isEqualTo("Some scaling has only one seed so far, so there is no spread between seeds to judge "
        + "its differences by.");
  }
}
