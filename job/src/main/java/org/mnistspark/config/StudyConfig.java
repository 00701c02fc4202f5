package org.mnistspark.config;

import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.commaList;

import java.util.List;
import java.util.Locale;
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
 * @param learningRates every scaling trains at each; empty: the job's (or the optimizer's) rate
 * @param variants network variants every scaling trains with; empty: the job's network-variant
 * @param reuseFrom study folders whose finished runs with the same options are copied, not trained
 * @param secondsCaveat a warning about the timing for the seconds plot and the report; empty: none
 * @param redrawOnly draw the reports from the recorded runs and train none
 */
public record StudyConfig(int seeds, String scalings, String thresholds, String optimizers, String learningRates,
    String variants, String reuseFrom, String secondsCaveat, boolean redrawOnly) {

  public StudyConfig {
    atLeast("seeds", seeds, 1);
    scalings = scalings.trim();
    thresholds = thresholds.trim();
    optimizers = optimizers.trim();
    learningRates = learningRates.trim();
    variants = variants.trim();
    reuseFrom = reuseFrom.trim();
    secondsCaveat = secondsCaveat.trim();
    parseScalings(scalings);
    if (!learningRates.isEmpty()) {
      parseLearningRates(learningRates);
    }
    if (!variants.isEmpty()) {
      parseVariants(variants);
    }
    if (!reuseFrom.isEmpty()) {
      parseFolders(reuseFrom);
    }
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

  /** The configured learning rates; empty when the study trains at the job's rate. */
  public List<Double> learningRateList() {
    return learningRates.isEmpty() ? List.of() : parseLearningRates(learningRates);
  }

  /** The configured network variants; empty when the study trains the job's network. */
  public List<String> variantList() {
    return variants.isEmpty() ? List.of() : parseVariants(variants);
  }

  /** The study folders to copy finished runs from, as given. */
  public List<String> reuseFromList() {
    return reuseFrom.isEmpty() ? List.of() : parseFolders(reuseFrom);
  }

  private static List<String> parseFolders(String list) {
    return commaList("reuse-from", list, part -> {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("an empty folder name");
      }
      return part;
    });
  }

  private static List<Double> parseLearningRates(String list) {
    return commaList("learning-rates", list, part -> {
      double rate;
      try {
        rate = Double.parseDouble(part);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + part + "' is not a number");
      }
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("'" + part + "' is not a rate above 0");
      }
      return rate;
    });
  }

  private static List<String> parseVariants(String list) {
    return commaList("variants", list, part -> {
      String name = part.toLowerCase(Locale.ROOT);
      if (!List.of(JobConfig.NETWORK_VARIANTS).contains(name)) {
        throw new IllegalArgumentException("'" + part + "' is not one of " + String.join(", ", JobConfig.NETWORK_VARIANTS));
      }
      return name;
    });
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
