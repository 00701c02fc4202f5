package org.mnistspark.study;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What results.json holds: the plan of the latest invocation and every finished run, including
 * runs of earlier invocations with other options (kept, but left out of the report).
 *
 * @param updatedAt when the last run was added, ISO-8601; the report shows it instead of "now",
 *     so regenerating it from the same results gives the same bytes
 */
@JsonIgnoreProperties(StudyFolder.SUMMARY)
public record StudyResults(Plan study, List<RunRecord> runs, String updatedAt) {

  /**
   * The plan the report covers.
   *
   * @param options the options every run shares (all but scaling, seed, the output folder and what
   *     the conditions vary)
   * @param conditions the report's groups of runs, in order (the scalings, unless the plan also
   *     varies the learning rate or the network); null in files written before they existed
   * @param learningRates the rates the conditions vary over; empty when they share one
   * @param variants the network variants the conditions vary over; empty when they share one
   * @param secondsCaveat a warning about the timing, or empty
   */
  public record Plan(String dataset, int epochs, List<String> scalings, List<Long> seeds, List<Double> thresholds,
      Map<String, Object> options, List<String> conditions, List<Double> learningRates, List<String> variants,
      String secondsCaveat) {
    static Plan of(StudyPlan p) {
      Map<String, Object> shared = RunRecord.optionsOf(p.base());
      shared.remove("scaling");
      shared.remove("seed");
      if (!p.learningRates().isEmpty()) {
        shared.remove("learning-rate");
      }
      if (!p.variants().isEmpty()) {
        shared.remove("network-variant");
      }
      return new Plan(p.base().dataset(), p.base().epochs(), p.scalingLabels(), p.seedValues(), p.thresholds(), shared,
          p.conditions(), p.learningRates(), p.variants(), p.secondsCaveat());
    }

    /**
     * The learning rate {@code condition} trained at, where the plan varies it: the conditions run
     * variant by variant, rate by rate, scaling by scaling.
     *
     * @throws IllegalArgumentException if the plan has no such condition or does not vary the rate
     */
    public double learningRateOf(String condition) {
      int i = conditions == null ? -1 : conditions.indexOf(condition);
      if (i < 0 || learningRates == null || learningRates.isEmpty()) {
        throw new IllegalArgumentException("no learning rate of its own for " + condition + " in " + conditions);
      }
      return learningRates.get((i / scalings.size()) % learningRates.size());
    }

    /**
     * The network variant {@code condition} trained with, where the plan varies it.
     *
     * @throws IllegalArgumentException if the plan has no such condition or does not vary the network
     */
    public String variantOf(String condition) {
      int i = conditions == null ? -1 : conditions.indexOf(condition);
      if (i < 0 || variants == null || variants.isEmpty()) {
        throw new IllegalArgumentException("no network variant of its own for " + condition + " in " + conditions);
      }
      int rates = learningRates == null || learningRates.isEmpty() ? 1 : learningRates.size();
      return variants.get(i / (scalings.size() * rates));
    }
  }

  public StudyResults {
    runs = List.copyOf(runs);
  }

  public static StudyResults empty(StudyPlan plan) {
    return new StudyResults(Plan.of(plan), List.of(), null);
  }

  /** The recorded result of {@code run}, if any. */
  public Optional<RunRecord> resultOf(StudyPlan.Run run) {
    return runs.stream().filter(r -> r.isResultOf(run)).findFirst();
  }

  /** The results of the plan's runs, in plan order; runs not yet done are missing. */
  public List<RunRecord> resultsOf(StudyPlan plan) {
    List<RunRecord> out = new ArrayList<>();
    for (StudyPlan.Run run : plan.runs()) {
      resultOf(run).ifPresent(out::add);
    }
    return out;
  }

  /** These results with {@code plan} as the current plan. */
  public StudyResults forPlan(StudyPlan plan) {
    return new StudyResults(Plan.of(plan), runs, updatedAt);
  }

  /** These results plus {@code record}, which replaces an earlier record of the same run. */
  public StudyResults with(StudyPlan.Run run, RunRecord record, String now) {
    List<RunRecord> out = new ArrayList<>();
    for (RunRecord r : runs) {
      if (!r.isResultOf(run)) {
        out.add(r);
      }
    }
    out.add(record);
    return new StudyResults(study, out, now);
  }
}
