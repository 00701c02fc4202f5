package org.mnistspark.config;

import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.commaList;

import java.util.List;
import org.mnistspark.scale.Scaling;

/**
 * The {@code mnist.study} block of the settings tree: what the normalization study compares. Lists
 * are comma-separated, as on the command line; the typed accessors give them parsed.
 *
 * @param seeds runs per scaling, with seeds seed, seed + 1, ...; >= 1
 * @param scalings the scalings to compare, in report order
 * @param thresholds rising validation accuracies whose first epoch the report gives; empty: the
 *     dataset's ({@code 0.98,0.99} for mnist, {@code 0.88,0.90} for fashion-mnist)
 * @param optimizers one study each; empty: the job's optimizer
 */
public record StudyConfig(int seeds, String scalings, String thresholds, String optimizers) {

  public StudyConfig {
    atLeast("seeds", seeds, 1);
    scalings = scalings.trim();
    thresholds = thresholds.trim();
    optimizers = optimizers.trim();
    parseScalings(scalings);
    if (!thresholds.isEmpty()) {
      Validators.risingAccuracies("thresholds", thresholds);
    }
    if (!optimizers.isEmpty()) {
      parseOptimizers(optimizers);
    }
  }

  public List<Scaling> scalingList() {
    return parseScalings(scalings);
  }

  /** The configured thresholds, or {@code datasetDefault} when none are. */
  public List<Double> thresholdList(List<Double> datasetDefault) {
    return thresholds.isEmpty() ? datasetDefault : Validators.risingAccuracies("thresholds", thresholds);
  }

  /** The configured optimizers, or just {@code jobOptimizer} when none are. */
  public List<Optimizer> optimizerList(Optimizer jobOptimizer) {
    return optimizers.isEmpty() ? List.of(jobOptimizer) : parseOptimizers(optimizers);
  }

  private static List<Scaling> parseScalings(String list) {
    return commaList("scalings", list, part -> {
      try {
        return Scaling.parse(part);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + part + "' is not one of none, minmax, standardize");
      }
    });
  }

  private static List<Optimizer> parseOptimizers(String list) {
    return commaList("optimizers", list, Optimizer::parse);
  }
}
