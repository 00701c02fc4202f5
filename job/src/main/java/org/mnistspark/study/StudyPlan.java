package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import org.mnistspark.JobConfig;
import org.mnistspark.scale.Scaling;

/**
 * The runs of a study: every scaling under every seed, all other options equal, so that the runs
 * differ only in what is being compared.
 *
 * @param base the effective options; its scaling is ignored and its seed is the first seed
 * @param scalings the scalings to compare, in report order
 * @param seeds runs per scaling, with seeds {@code base.seed()}, {@code base.seed() + 1}, ...
 */
public record StudyPlan(JobConfig base, List<Scaling> scalings, int seeds) {

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

  /** @throws IllegalArgumentException if there is no scaling, a scaling repeats, or seeds is below 1 */
  public StudyPlan {
    if (scalings.isEmpty() || scalings.stream().distinct().count() != scalings.size()) {
      throw new IllegalArgumentException("need one or more distinct scalings, got " + scalings);
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("need at least one seed, got " + seeds);
    }
    scalings = List.copyOf(scalings);
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
        runs.add(new Run(runs.size() + 1, s, seed, base.with("scaling", s.label()).with("seed", seed)));
      }
    }
    return runs;
  }

  public List<String> scalingLabels() {
    return scalings.stream().map(Scaling::label).toList();
  }
}
