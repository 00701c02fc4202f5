package org.mnistspark.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A study's runs, summarized per scaling, plus what is needed to say how complete it is. Pure.
 *
 * @param scalings one summary per scaling that has at least one finished run, in plan order
 * @param planned runs in the plan
 * @param finished runs of the plan that are done
 */
public record StudySummary(List<ScalingSummary> scalings, int planned, int finished, StudyResults.Plan plan, Data data) {

  /** Image counts of the runs (the same for every run of a plan). */
  public record Data(int trainImages, int validationImages, long testImages, String master, int partitions) {}

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
    List<ScalingSummary> out = new ArrayList<>();
    for (String s : plan.scalingLabels()) {
      List<RunRecord> runs = done.stream().filter(r -> r.scaling().equals(s)).toList();
      if (!runs.isEmpty()) {
        out.add(ScalingSummary.of(runs));
      }
    }
    RunRecord first = done.get(0);
    return new StudySummary(List.copyOf(out), plan.runs().size(), done.size(), StudyResults.Plan.of(plan),
        new Data(first.trainImages(), first.validationImages(), first.testExamples(), first.master(), first.partitions()));
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
