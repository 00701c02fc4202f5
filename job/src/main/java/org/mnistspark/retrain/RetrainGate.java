package org.mnistspark.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Decides whether a candidate replaces the production model: a pure function of production's
 * accuracy, the candidate's accuracy (both on the same test set) and the thresholds.
 */
public final class RetrainGate {
  /**
   * Slack for floating-point rounding, so that a candidate exactly at the bar is not refused:
   * 0.9 - 0.0025 is 0.8975000000000001 in binary, above a candidate's 0.8975.
   */
  static final double SLACK = 1e-9;

  private RetrainGate() {}

  /**
   * @param tolerance how much accuracy a candidate may lose against production, fraction, 0 <= t < 1
   * @param floor the accuracy every promoted model must reach, fraction, 0..1
   */
  public record Thresholds(double tolerance, double floor) {
    /** @throws IllegalArgumentException if either value is outside its range */
    public Thresholds {
      if (!(tolerance >= 0 && tolerance < 1)) {
        throw new IllegalArgumentException("tolerance must lie in [0, 1), got " + tolerance);
      }
      if (!(floor >= 0 && floor <= 1)) {
        throw new IllegalArgumentException("floor must lie in [0, 1], got " + floor);
      }
    }
  }

  public enum Verdict { PROMOTE, KEEP }

  /** What to do, and why, in one line for history.jsonl. */
  public record Decision(Verdict verdict, String reason) {
    public boolean promote() {
      return verdict == Verdict.PROMOTE;
    }
  }

  /**
   * Returns PROMOTE when the candidate reaches the floor and, if there is a usable production
   * model, production's accuracy minus the tolerance (ties promote); else KEEP. The reason names
   * every number it compared and every bar the candidate missed.
   *
   * @param production production's accuracy on the candidate's test set; empty when there is no
   *     usable production model (the first run), which leaves the floor as the only bar
   * @param candidate the candidate's test accuracy
   * @throws IllegalArgumentException if an accuracy is outside [0, 1]
   */
  public static Decision decide(OptionalDouble production, double candidate, Thresholds thresholds) {
    checkAccuracy("candidate", candidate);
    production.ifPresent(p -> checkAccuracy("production", p));
    String cand = "candidate accuracy " + f(candidate);
    String floor = "the floor " + f(thresholds.floor());
    boolean meetsFloor = candidate >= thresholds.floor() - SLACK;

    if (production.isEmpty()) {
      return meetsFloor
          ? new Decision(Verdict.PROMOTE, "no usable production model; " + cand + " meets " + floor)
          : new Decision(Verdict.KEEP, "no usable production model; " + cand + " is below " + floor);
    }
    double p = production.getAsDouble();
    double bar = p - thresholds.tolerance();
    String againstProduction = "production's " + f(p) + " minus tolerance " + f(thresholds.tolerance())
        + " (" + f(bar) + ")";
    boolean meetsProduction = candidate >= bar - SLACK;
    if (meetsFloor && meetsProduction) {
      return new Decision(Verdict.PROMOTE, cand + " meets " + againstProduction + " and " + floor);
    }
    List<String> missed = new ArrayList<>();
    if (!meetsProduction) {
      missed.add(againstProduction);
    }
    if (!meetsFloor) {
      missed.add(floor);
    }
    return new Decision(Verdict.KEEP, cand + " is below " + String.join(" and below ", missed));
  }

  private static void checkAccuracy(String what, double a) {
    if (!(a >= 0 && a <= 1)) {
      throw new IllegalArgumentException(what + " accuracy must lie in [0, 1], got " + a);
    }
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
