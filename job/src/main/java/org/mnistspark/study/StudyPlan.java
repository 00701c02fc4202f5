package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import org.mnistspark.config.JobConfig;
import org.mnistspark.report.Format;
import org.mnistspark.scale.Scaling;
import org.mnistspark.train.LeNet;

/**
 * The runs of a study: every condition (a scaling, at each learning rate, with each network
 * variant) under every seed, all other options equal, so that the runs differ only in what is being
 * compared.
 *
 * @param base the effective options; its scaling is ignored and its seed is the first seed
 * @param scalings the scalings to compare, in report order
 * @param seeds runs per condition, with seeds {@code base.seed()}, {@code base.seed() + 1}, ...
 * @param thresholds validation accuracies, rising, whose first epoch the report gives; they only
 *     shape the report, so runs are reused whatever they are
 * @param learningRates the rates every scaling trains at; empty: the base's only
 * @param variants the network variants every scaling trains with; empty: the base's only
 * @param secondsCaveat a warning about the runs' timing for the seconds plot and the report, or
 *     empty; like the thresholds it only shapes the report
 */
public record StudyPlan(JobConfig base, List<Scaling> scalings, int seeds, List<Double> thresholds,
    List<Double> learningRates, List<String> variants, String secondsCaveat) {

  /**
   * One planned training run.
   *
   * @param number 1-based position in the plan, for "run 3/9"
   * @param condition what the report groups it under: the scaling, with the variant and the rate
   *     where the plan compares several
   */
  public record Run(int number, Scaling scaling, long seed, JobConfig config, String condition) {
    @Override
    public String toString() {
      return condition + ", seed " + seed;
    }
  }

  /** A plan with the dataset's {@linkplain #defaultThresholds default thresholds}. */
  public StudyPlan(JobConfig base, List<Scaling> scalings, int seeds) {
    this(base, scalings, seeds, defaultThresholds(base.dataset()));
  }

  /** A plan of scalings only, at the base's learning rate and network. */
  public StudyPlan(JobConfig base, List<Scaling> scalings, int seeds, List<Double> thresholds) {
    this(base, scalings, seeds, thresholds, List.of(), List.of(), "");
  }

  /**
   * @throws IllegalArgumentException if there is no scaling, a scaling repeats, seeds is below 1,
   *     or the thresholds are empty, outside (0, 1] or not rising
   */
  public StudyPlan {
    if (scalings.isEmpty() || scalings.stream().distinct().count() != scalings.size()) {
      throw new IllegalArgumentException("need one or more distinct scalings, got " + scalings);
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("need at least one seed, got " + seeds);
    }
    if (thresholds.isEmpty()) {
      throw new IllegalArgumentException("need at least one accuracy threshold");
    }
    for (int i = 0; i < thresholds.size(); i++) {
      double t = thresholds.get(i);
      if (!(t > 0 && t <= 1) || (i > 0 && t <= thresholds.get(i - 1))) {
        throw new IllegalArgumentException("thresholds must rise within (0, 1], got " + thresholds);
      }
    }
    scalings = List.copyOf(scalings);
    thresholds = List.copyOf(thresholds);
    learningRates = List.copyOf(learningRates);
    variants = List.copyOf(variants);
  }

  /**
   * The thresholds worth reporting for a dataset: 98% and 99% for MNIST, where a LeNet gets past
   * 99%; 88% and 90% for Fashion-MNIST, where it ends near 90-91%.
   */
  public static List<Double> defaultThresholds(String dataset) {
    return dataset.equals("fashion-mnist") ? List.of(0.88, 0.90) : List.of(0.98, 0.99);
  }

  public List<Long> seedValues() {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < seeds; i++) {
      out.add(base.seed() + i);
    }
    return out;
  }

  /**
   * Returns the runs seed by seed (every condition under the first seed, then under the second...),
   * so that a study stopped halfway has already compared every condition at least once; under one
   * seed variant by variant and rate by rate, the scalings of each side by side.
   */
  public List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    for (long seed : seedValues()) {
      for (JobConfig c : conditionConfigs()) {
        runs.add(new Run(runs.size() + 1, c.scaling(), seed, c.withSeed(seed), condition(c)));
      }
    }
    return runs;
  }

  /** The conditions' labels in report order: those of {@link #runs()} under one seed. */
  public List<String> conditions() {
    return conditionConfigs().stream().map(this::condition).toList();
  }

  /** One configuration per condition, seed not yet set. */
  private List<JobConfig> conditionConfigs() {
    List<JobConfig> out = new ArrayList<>();
    for (String v : variants.isEmpty() ? List.of(base.networkVariant()) : variants) {
      for (double rate : learningRates.isEmpty() ? List.of(base.learningRate()) : learningRates) {
        for (Scaling s : scalings) {
          out.add(base.withNetworkVariant(v).withLearningRate(rate).withScaling(s));
        }
      }
    }
    return out;
  }

  /** "none", "none + batchnorm-conv1", "minmax @ 0.0003": the scaling and what else the plan varies. */
  private String condition(JobConfig c) {
    String label = c.scaling().label();
    if (variants.size() > 1 || (variants.size() == 1 && !variants.get(0).equals(LeNet.LENET))) {
      label += c.networkVariant().equals(LeNet.LENET) ? "" : " + " + c.networkVariant();
    }
    if (learningRates.size() > 1) {
      label += " @ " + Format.learningRate(c.learningRate());
    }
    return label;
  }

  /** "none" of "none + batchnorm-conv1 @ 0.001": the reader of {@link #condition}'s labels, beside it. */
  static String scalingOf(String condition) {
    int space = condition.indexOf(' ');
    return space < 0 ? condition : condition.substring(0, space);
  }

  /**
   * What a condition shares with the other scalings trained beside it: "batchnorm-conv1 @ 0.001" of
   * "none + batchnorm-conv1 @ 0.001", "@ 0.001" of "none @ 0.001", "" of "none".
   */
  static String settingOf(String condition) {
    String rest = condition.substring(scalingOf(condition).length()).strip();
    return rest.startsWith("+ ") ? rest.substring(2) : rest;
  }

  public List<String> scalingLabels() {
    return scalings.stream().map(Scaling::label).toList();
  }
}
