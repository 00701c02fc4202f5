package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import org.mnistspark.config.JobConfig;
import org.mnistspark.scale.Scaling;

/**
 * The runs of a study: every scaling under every seed, all other options equal, so that the runs
 * differ only in what is being compared.
 *
 * @param base the effective options; its scaling is ignored and its seed is the first seed
 * @param scalings the scalings to compare, in report order
 * @param seeds runs per scaling, with seeds {@code base.seed()}, {@code base.seed() + 1}, ...
 * @param thresholds validation accuracies, rising, whose first epoch the report gives; they only
 *     shape the report, so runs are reused whatever they are
 */
public record StudyPlan(JobConfig base, List<Scaling> scalings, int seeds, List<Double> thresholds) {

  /**
   * One planned training run.
   *
   * @param number 1-based position in the plan, for "run 3/9"
   */
  public record Run(int number, Scaling scaling, long seed, JobConfig config) {
    @Override
    public String toString() {
      return scaling.label() + ", seed " + seed;
    }
  }

  /** A plan with the dataset's {@linkplain #defaultThresholds default thresholds}. */
  public StudyPlan(JobConfig base, List<Scaling> scalings, int seeds) {
    this(base, scalings, seeds, defaultThresholds(base.dataset()));
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
   * Returns the runs seed by seed (every scaling under the first seed, then under the second...),
   * so that a study stopped halfway has already compared every scaling at least once.
   */
  public List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    for (long seed : seedValues()) {
      for (Scaling s : scalings) {
        runs.add(new Run(runs.size() + 1, s, seed, base.withScaling(s).withSeed(seed)));
      }
    }
    return runs;
  }

  public List<String> scalingLabels() {
    return scalings.stream().map(Scaling::label).toList();
  }
}
