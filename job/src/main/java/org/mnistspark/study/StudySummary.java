package org.mnistspark.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.ToDoubleFunction;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.NetworkProbe;

/**
 * A study's runs, summarized per scaling, plus what is needed to say how complete it is. Pure.
 *
 * @param scalings one summary per scaling that has at least one finished run, in plan order
 * @param planned runs in the plan
 * @param finished runs of the plan that are done
 * @param pairedTests McNemar's test on the test-set predictions of each pair of neighbouring
 *     scalings (none vs minmax, minmax vs standardize) under each variant and rate, and of each
 *     network variant against the first network, seed by seed, where both runs kept their predictions
 * @param probes every run's mechanism in brief, in plan order (runs that measured none left out)
 * @param timingWarning why the seconds should not be compared (the plan's caveat, or the load the
 *     runs saw), or empty
 */
public record StudySummary(List<ScalingSummary> scalings, int planned, int finished, StudyResults.Plan plan, Data data,
    List<PairedTest> pairedTests, List<ProbeRow> probes, String timingWarning) {

  /**
   * One run's probes in brief: the share of conv2's units dead after epoch 1 and at its last
   * probe, and conv1's gradient norm before training; null where not measured.
   */
  public record ProbeRow(String condition, long seed, Double conv2DeadAfterEpoch1, Double conv2DeadLast,
      Double lastEpoch, Double conv1GradientAtStart) {
    static ProbeRow of(String condition, long seed, List<NetworkProbe> probes) {
      NetworkProbe last = probes.get(probes.size() - 1);
      return new ProbeRow(condition, seed, at(probes, 1, "conv2", LayerProbe::deadFraction),
          last.layer("conv2").deadFraction(), last.epoch(), at(probes, 0, "conv1", LayerProbe::gradientNorm));
    }

    private static Double at(List<NetworkProbe> probes, double epoch, String layer, ToDoubleFunction<LayerProbe> value) {
      return probes.stream().filter(p -> p.epoch() == epoch).findFirst()
          .map(p -> value.applyAsDouble(p.layer(layer))).orElse(null);
    }
  }

  /** Image counts of the runs (the same for every run of a plan). */
  public record Data(int trainImages, int validationImages, long testImages, String master, int partitions) {}

  /**
   * Two conditions compared image by image on the test set.
   *
   * @param perSeed the test of the two runs of each seed both finished
   * @param pooled the discordant counts summed over those seeds: it treats every (seed, image) as
   *     independent, which they are not, so its p-value is smaller than the evidence warrants
   */
  public record PairedTest(String first, String second, List<SeedTest> perSeed, McNemar pooled) {}

  /** McNemar's test of the two runs of one seed. */
  public record SeedTest(long seed, McNemar test) {}

  /**
   * Returns the summary of {@code results} for the runs of {@code plan}.
   *
   * @throws IllegalArgumentException if none of the plan's runs is finished
   */
  public static StudySummary of(StudyPlan plan, StudyResults results) {
    List<RunRecord> done = results.resultsOf(plan);
    if (done.isEmpty()) {
      throw new IllegalArgumentException("no run of the plan has finished yet");
    }
    Map<String, Map<Long, RunRecord>> byCondition = byCondition(plan, results);
    List<ScalingSummary> out = new ArrayList<>();
    byCondition.forEach((condition, runs) -> {
      if (!runs.isEmpty()) {
        out.add(ScalingSummary.of(condition, List.copyOf(runs.values())));
      }
    });
    RunRecord first = done.get(0);
    return new StudySummary(List.copyOf(out), plan.runs().size(), done.size(), StudyResults.Plan.of(plan),
        new Data(first.trainImages(), first.validationImages(), first.testExamples(), first.master(), first.partitions()),
        pairedTests(plan, byCondition), probeRows(byCondition), timingWarning(plan, done));
  }

  private static List<ProbeRow> probeRows(Map<String, Map<Long, RunRecord>> byCondition) {
    List<ProbeRow> out = new ArrayList<>();
    byCondition.forEach((condition, runs) -> runs.forEach((seed, r) -> {
      if (r.mechanism() != null && !r.mechanism().isEmpty()) {
        out.add(ProbeRow.of(condition, seed, r.mechanism()));
      }
    }));
    return List.copyOf(out);
  }

  /**
   * The plan's caveat and, when some run saw a load average above the machine's cores, the highest
   * such load; empty when neither.
   */
  static String timingWarning(StudyPlan plan, List<RunRecord> runs) {
    String load = runs.stream().filter(RunRecord::ranOnALoadedMachine)
        .max(Comparator.comparingDouble(RunRecord::maxLoadAverage))
        .map(r -> String.format(Locale.ROOT, "Other work shared the machine: load average up to %.1f on %d cores while "
            + "runs trained, so their seconds measure that load as much as the runs.", r.maxLoadAverage(), r.cores()))
        .orElse("");
    return (plan.secondsCaveat() + " " + load).trim();
  }

  /** Each condition's finished runs by seed, conditions and seeds in plan order. */
  static Map<String, Map<Long, RunRecord>> byCondition(StudyPlan plan, StudyResults results) {
    Map<String, Map<Long, RunRecord>> out = new LinkedHashMap<>();
    plan.conditions().forEach(c -> out.put(c, new LinkedHashMap<>()));
    for (StudyPlan.Run run : plan.runs()) {
      results.resultOf(run).ifPresent(r -> out.get(run.condition()).put(run.seed(), r));
    }
    return out;
  }

  /**
   * Neighbouring scalings under the same variant and rate (the plan lists the scalings innermost)
   * and, where the plan varies the network, each variant against the first network under the same
   * scaling and rate: whether an intervention changed what that scaling's network gets right.
   */
  private static List<PairedTest> pairedTests(StudyPlan plan, Map<String, Map<Long, RunRecord>> byCondition) {
    List<String> conditions = plan.conditions();
    int group = plan.scalings().size();
    List<PairedTest> out = new ArrayList<>();
    for (int i = 0; i + 1 < conditions.size(); i++) {
      if ((i + 1) % group != 0) {
        pairedTest(plan, byCondition, conditions.get(i), conditions.get(i + 1)).ifPresent(out::add);
      }
    }
    int perVariant = conditions.size() / Math.max(1, plan.variants().size());
    for (int i = perVariant; plan.variants().size() > 1 && i < conditions.size(); i++) {
      pairedTest(plan, byCondition, conditions.get(i % perVariant), conditions.get(i)).ifPresent(out::add);
    }
    return List.copyOf(out);
  }

  /** McNemar's test of two conditions, seed by seed where both runs kept their predictions, and pooled. */
  private static Optional<PairedTest> pairedTest(StudyPlan plan, Map<String, Map<Long, RunRecord>> byCondition,
      String first, String second) {
    List<SeedTest> seeds = new ArrayList<>();
    int onlyFirst = 0;
    int onlySecond = 0;
    for (long seed : plan.seedValues()) {
      RunRecord x = byCondition.get(first).get(seed);
      RunRecord y = byCondition.get(second).get(seed);
      if (x != null && y != null && x.testMistakes() != null && y.testMistakes() != null) {
        McNemar t = McNemar.of(x.mistakenImages(), y.mistakenImages());
        seeds.add(new SeedTest(seed, t));
        onlyFirst += t.onlyFirstRight();
        onlySecond += t.onlySecondRight();
      }
    }
    return seeds.isEmpty() ? Optional.empty()
        : Optional.of(new PairedTest(first, second, List.copyOf(seeds), McNemar.of(onlyFirst, onlySecond)));
  }

  /**
   * First epochs at each threshold: the epoch whose mean validation accuracy over seeds first
   * reached it and each seed's own, per scaling, threshold (as written, e.g. "0.99"); null where
   * not reached. Part of results.json's summary, so a reader (and the report's check) needs no
   * second implementation of the rule.
   */
  @JsonProperty("epochReaching")
  public Map<String, Map<String, Reaching>> epochReaching() {
    Map<String, Map<String, Reaching>> out = new LinkedHashMap<>();
    for (ScalingSummary x : scalings) {
      Map<String, Reaching> byThreshold = new LinkedHashMap<>();
      for (double t : thresholds()) {
        byThreshold.put(String.valueOf(t), new Reaching(epoch(x.epochReaching(t)),
            x.epochReachingPerSeed(t).stream().map(StudySummary::epoch).toList()));
      }
      out.put(x.scaling(), byThreshold);
    }
    return out;
  }

  /** The first epoch reaching a threshold on the mean curve and per seed, null where never. */
  public record Reaching(Integer mean, List<Integer> perSeed) {}

  private static Integer epoch(OptionalInt e) {
    return e.isPresent() ? e.getAsInt() : null;
  }

  /** The scalings ordered by mean test accuracy, highest first (plan order among equals). */
  public List<ScalingSummary> byTestAccuracy() {
    return scalings.stream().sorted(Comparator.comparingDouble((ScalingSummary s) -> s.testAccuracy().mean()).reversed())
        .toList();
  }

  public Optional<ScalingSummary> scaling(String label) {
    return scalings.stream().filter(s -> s.scaling().equals(label)).findFirst();
  }

  /** The validation accuracies whose first epoch the report gives, rising. */
  public List<Double> thresholds() {
    return plan.thresholds();
  }

  public boolean complete() {
    return finished == planned;
  }

  /** The smallest number of seeds any scaling has so far. */
  public int minSeeds() {
    return scalings.stream().mapToInt(s -> s.seeds().size()).min().orElse(0);
  }
}
