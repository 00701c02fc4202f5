package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.mnistspark.train.ValidationPoint;

/**
 * One condition's runs, aggregated over seeds. Pure: built from run records, no Spark.
 *
 * @param scaling the condition's label: its scaling, with the network variant and learning rate
 *     where the plan compares several ("none + batchnorm-conv1", "minmax @ 0.0003")
 * @param epochs the most epochs any seed ran; a seed stopped early (early-stop-patience) counts
 *     in the bands only up to its last epoch
 * @param validationAccuracy per epoch (index 0 = epoch 1), mean/min/max over the seeds that ran it
 * @param trainLoss per epoch, mean/min/max over seeds
 * @param testAccuracy of the final networks, mean/min/max over seeds
 * @param secondsPerEpoch of the runs' own mean epoch times, mean/min/max over seeds
 * @param validationPerSeed each seed's validation accuracy per epoch, in the order of {@code seeds}
 * @param validationLoss per epoch, mean/min/max over seeds (NaN where a trainer does not measure it)
 * @param checks the validation checks (validations-per-epoch per epoch) every seed reached, over the
 *     seeds; past the first seed's early stop only {@code curvePerSeed} says where the others were
 * @param stoppedEarly "seed S: why" for each seed that stopped before its last epoch
 * @param testPerSeed each seed's test accuracy, in the order of {@code seeds}
 * @param curvePerSeed each seed's validation checks, in the order of {@code seeds}
 */
public record ScalingSummary(
    String scaling,
    List<Long> seeds,
    int epochs,
    List<Band> validationAccuracy,
    List<Band> trainLoss,
    Band testAccuracy,
    Band secondsPerEpoch,
    double samplesPerSecond,
    List<double[]> validationPerSeed,
    List<Band> validationLoss,
    List<Check> checks,
    List<String> stoppedEarly,
    List<Double> testPerSeed,
    List<List<ValidationPoint>> curvePerSeed) {

  /**
   * One validation check over seeds: where the seeds were (means of images fitted and training
   * seconds; the same schedule makes them nearly equal) and the accuracy they had.
   */
  public record Check(double epoch, double images, double seconds, Band accuracy) {}

  /**
   * Returns the summary of {@code runs}, all of one scaling.
   *
   * @throws IllegalArgumentException if there are no runs or they mix scalings
   */
  public static ScalingSummary of(List<RunRecord> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to summarize");
    }
    return of(runs.get(0).scaling(), runs);
  }

  /**
   * Returns the summary of {@code runs}, all of one condition of a plan, under {@code condition}'s label.
   *
   * @throws IllegalArgumentException if there are no runs or they mix scalings
   */
  public static ScalingSummary of(String condition, List<RunRecord> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to summarize");
    }
    String scaling = runs.get(0).scaling();
    for (RunRecord r : runs) {
      if (!r.scaling().equals(scaling)) {
        throw new IllegalArgumentException("runs to summarize must share their scaling: " + scaling + ", got " + r.scaling());
      }
    }
    int epochs = runs.stream().mapToInt(r -> r.epochs().size()).max().orElseThrow();
    List<Band> validation = new ArrayList<>();
    List<Band> loss = new ArrayList<>();
    List<Band> validationLoss = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      validation.add(Band.of(valuesAt(runs, e, RunRecord::validationAccuracy)));
      loss.add(Band.of(valuesAt(runs, e, RunRecord::trainLoss)));
      validationLoss.add(Band.of(valuesAt(runs, e, RunRecord::validationLoss)));
    }
    return new ScalingSummary(
        condition,
        runs.stream().map(RunRecord::seed).toList(),
        epochs,
        List.copyOf(validation),
        List.copyOf(loss),
        Band.of(runs.stream().mapToDouble(RunRecord::testAccuracy).toArray()),
        Band.of(runs.stream().mapToDouble(RunRecord::meanSecondsPerEpoch).toArray()),
        runs.stream().mapToDouble(RunRecord::meanSamplesPerSecond).average().orElseThrow(),
        runs.stream().map(RunRecord::validationAccuracy).toList(),
        List.copyOf(validationLoss),
        checks(runs),
        runs.stream().filter(r -> r.stoppedEarly() != null).map(r -> "seed " + r.seed() + ": " + r.stoppedEarly()).toList(),
        runs.stream().map(RunRecord::testAccuracy).toList(),
        runs.stream().map(r -> r.curve() == null ? List.<ValidationPoint>of() : List.copyOf(r.curve())).toList());
  }

  /** A mean over a changing set of seeds would step back in seconds where a faster seed stopped: stop at the first stop. */
  private static List<Check> checks(List<RunRecord> runs) {
    int n = runs.stream().mapToInt(r -> r.curve() == null ? 0 : r.curve().size()).min().orElse(0);
    List<Check> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int check = k;
      List<ValidationPoint> at = runs.stream().map(r -> r.curve().get(check)).toList();
      out.add(new Check(at.get(0).epoch(), at.stream().mapToDouble(ValidationPoint::imagesFitted).average().orElseThrow(),
          at.stream().mapToDouble(ValidationPoint::trainSeconds).average().orElseThrow(),
          Band.of(at.stream().mapToDouble(ValidationPoint::accuracy).toArray())));
    }
    return List.copyOf(out);
  }

  /** Epoch {@code e}'s (0-based) value of every run that ran that epoch. */
  static double[] valuesAt(List<RunRecord> runs, int e, java.util.function.Function<RunRecord, double[]> curve) {
    return runs.stream().map(curve).filter(c -> c.length > e).mapToDouble(c -> c[e]).toArray();
  }

  /** The first epoch (1-based) at which the mean validation accuracy over seeds reached {@code threshold}. */
  public OptionalInt epochReaching(double threshold) {
    return firstEpochReaching(validationAccuracy.stream().mapToDouble(Band::mean).toArray(), threshold);
  }

  /** Each seed's own first epoch at {@code threshold}, in the order of {@link #seeds()}. */
  public List<OptionalInt> epochReachingPerSeed(double threshold) {
    return validationPerSeed.stream().map(curve -> firstEpochReaching(curve, threshold)).toList();
  }

  /**
   * Returns the first epoch (1-based) whose value is at least {@code threshold}, or empty if none
   * is; a later dip below the threshold does not undo it.
   */
  public static OptionalInt firstEpochReaching(double[] curve, double threshold) {
    for (int e = 0; e < curve.length; e++) {
      if (curve[e] >= threshold) {
        return OptionalInt.of(e + 1);
      }
    }
    return OptionalInt.empty();
  }

  /** Each seed's epoch (1-based) of its highest validation accuracy, the first on ties, in the order of {@link #seeds()}. */
  public List<Integer> bestEpochPerSeed() {
    return validationPerSeed.stream().map(curve -> {
      int best = 0;
      for (int e = 1; e < curve.length; e++) {
        if (curve[e] > curve[best]) {
          best = e;
        }
      }
      return best + 1;
    }).toList();
  }

  public Band lastValidationAccuracy() {
    return validationAccuracy.get(epochs - 1);
  }
}
