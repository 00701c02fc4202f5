package org.mnistspark.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.mnistspark.report.Format;
import org.mnistspark.train.LeNet;

/**
 * The report's generated conclusion: a few paragraphs that state what the numbers show and no
 * more. A difference between scalings is called larger than the seed spread only when the min–max
 * ranges over seeds do not overlap; with one seed it is not judged at all. Pure: no Spark, no I/O.
 */
public final class Conclusion {
  /** The label of the unnormalized baseline, whose catching up the study asks about. */
  static final String BASELINE = "none";

  private Conclusion() {}

  /** Returns the conclusion's paragraphs, in reading order. */
  public static List<String> paragraphs(StudySummary s) {
    List<String> out = new ArrayList<>();
    if (!s.complete()) {
      out.add("Partial results: " + s.finished() + " of " + s.planned() + " planned runs have finished; "
          + "the numbers may change as the rest complete.");
    }
    // the gap under each network or rate first: it is what such a study asks, the ranking after it
    scalingGaps(s).ifPresent(out::add);
    out.add(accuracy(s));
    out.add(thresholds(s));
    catchingUp(s).ifPresent(out::add);
    out.add(speed(s));
    if (s.plan().seeds().size() < 2) {
      out.add("Each scaling ran under one seed, so there is no spread between seeds to judge these differences by; "
          + "each number is a single sample. Use --seeds 3 or more to tell a difference from run-to-run noise.");
    } else if (s.minSeeds() < 2) {
      out.add("Some scaling has only one seed so far, so there is no spread between seeds to judge its differences by.");
    }
    return List.copyOf(out);
  }

  /**
   * Which condition had the highest mean test accuracy, the others below it, and which gaps exceed
   * the seed spread: one judgement per kind, so that a plan of eight conditions reads as a ranking
   * and not as seven repetitions of the same caveat.
   */
  static String accuracy(StudySummary s) {
    List<ScalingSummary> ranked = s.byTestAccuracy();
    ScalingSummary best = ranked.get(0);
    String top = Format.percent(best.testAccuracy().mean()) + spread(best);
    if (ranked.size() == 1) {
      return "Only " + best.scaling() + " has finished runs: mean test accuracy " + top + ".";
    }
    List<ScalingSummary> others = ranked.subList(1, ranked.size());
    List<String> below = new ArrayList<>();
    List<String> oneSeed = new ArrayList<>();
    List<String> beyond = new ArrayList<>();
    List<String> within = new ArrayList<>();
    for (ScalingSummary o : others) {
      below.add(o.scaling() + ": " + Format.percent(o.testAccuracy().mean()) + spread(o) + ", "
          + Format.points(best.testAccuracy().mean() - o.testAccuracy().mean()) + " points lower");
      if (best.seeds().size() < 2 || o.seeds().size() < 2) {
        oneSeed.add(o.scaling());
      } else if (best.testAccuracy().entirelyAbove(o.testAccuracy())) {
        beyond.add(o.scaling());
      } else {
        within.add(o.scaling());
      }
    }
    StringBuilder b = new StringBuilder(best.scaling()).append(" had the highest mean test accuracy, ").append(top)
        .append(". ").append(String.join("; ", below)).append('.');
    if (!beyond.isEmpty()) {
      // naming seven conditions again, right after the ranking named them, hides the verdict
      String whose = beyond.size() > 2 && beyond.size() == others.size() ? "every other condition" : Format.list(beyond);
      b.append(" Every seed of ").append(whose).append(" scored below every ").append(best.scaling())
          .append(" seed, so ").append(beyond.size() == 1 ? "the difference is" : "those differences are")
          .append(" larger than the spread between seeds.");
    }
    if (!within.isEmpty()) {
      b.append(" The ranges over seeds of ").append(Format.list(within)).append(" overlap ").append(best.scaling())
          .append("'s: within the seed spread, so these runs do not show ").append(best.scaling())
          .append(" to be more accurate than ").append(within.size() == 1 ? within.get(0) : "them").append('.');
    }
    if (!oneSeed.isEmpty()) {
      boolean many = oneSeed.size() > 1;
      b.append(best.seeds().size() < 2
          ? " With one seed there is no spread to judge " + (many ? "those gaps" : "that gap") + " by."
          : " " + Format.list(oneSeed) + (many ? " have" : " has") + " one seed, so there is no spread to judge "
              + (many ? "their gaps" : "its gap") + " by.");
    }
    return b.toString();
  }

  /**
   * Where the plan compares networks or rates, the gap between scalings under each of them, with
   * McNemar's test of each seed's pair: the question such a study asks is which condition closes
   * the gap, which a ranking of all conditions does not show. Empty for a plan of scalings only.
   */
  static Optional<String> scalingGaps(StudySummary s) {
    List<String> conditions = s.plan().conditions();
    if (conditions == null || conditions.size() == s.plan().scalings().size()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (StudySummary.PairedTest t : s.pairedTests()) {
      String under = StudyPlan.settingOf(t.first());
      Optional<ScalingSummary> a = s.scaling(t.first());
      Optional<ScalingSummary> b = s.scaling(t.second());
      if (!under.equals(StudyPlan.settingOf(t.second())) || a.isEmpty() || b.isEmpty()) {
        continue; // a variant against the first network
      }
      List<String> seeds = new ArrayList<>();
      t.perSeed().forEach(x -> seeds.add("seed " + x.seed() + " " + x.test().onlyFirstRight() + " vs "
          + x.test().onlySecondRight() + ", p " + pValue(x.test().p())));
      parts.add(named(under) + ": " + StudyPlan.scalingOf(t.first()) + " "
          + Format.percent(a.get().testAccuracy().mean()) + " vs " + StudyPlan.scalingOf(t.second()) + " "
          + Format.percent(b.get().testAccuracy().mean()) + " (" + String.join("; ", seeds) + ")");
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of("Between scalings, condition by condition (mean test "
        + "accuracy, then per seed the test images only the first or only the second got right, and McNemar's p): "
        + String.join("; ", parts) + ".");
  }

  /** "lenet", "batchnorm-conv1", "rate 0.001", "batchnorm-conv1 @ 0.001": what a pair of scalings shared. */
  private static String named(String setting) {
    return setting.isEmpty() ? LeNet.LENET : setting.startsWith("@ ") ? "rate " + setting.substring(2) : setting;
  }

  /** "< 0.0001" or "= 0.0188". */
  private static String pValue(double p) {
    String v = Format.pValue(p);
    return v.startsWith("<") ? v : "= " + v;
  }

  /** When each scaling's mean validation curve first reached each threshold. */
  static String thresholds(StudySummary s) {
    List<String> parts = new ArrayList<>();
    for (ScalingSummary x : s.scalings()) {
      List<String> reached = new ArrayList<>();
      String missed = null;
      for (double t : s.thresholds()) {
        OptionalInt e = x.epochReaching(t);
        if (e.isPresent()) {
          reached.add(Format.threshold(t) + " at epoch " + e.getAsInt());
        } else {
          // thresholds rise, so the first one missed implies the rest
          missed = "had not reached " + Format.threshold(t) + " after " + Format.epochs(x.epochs());
          break;
        }
      }
      String phrase = x.scaling() + " ";
      if (!reached.isEmpty()) {
        phrase += "reached " + String.join(" and ", reached) + (missed != null ? " and " + missed : "");
      } else {
        phrase += missed;
      }
      parts.add(phrase);
    }
    return "Validation accuracy, mean over seeds: " + String.join("; ", parts) + ".";
  }

  /**
   * How the gap in mean validation accuracy between the unnormalized baseline and the most
   * accurate other scaling moved from the first epoch to the last; empty without a baseline or
   * without another scaling.
   */
  static Optional<String> catchingUp(StudySummary s) {
    Optional<ScalingSummary> baseline = s.scaling(BASELINE);
    Optional<ScalingSummary> other = s.scalings().stream().filter(x -> !x.scaling().equals(BASELINE))
        .max(Comparator.comparingDouble(x -> x.testAccuracy().mean()));
    if (baseline.isEmpty() || other.isEmpty()) {
      return Optional.empty();
    }
    ScalingSummary n = baseline.get();
    ScalingSummary o = other.get();
    // past the first seed's stop the means are over fewer seeds (at mnist-single-jvm-16's last epoch,
    // 3 of 10 runs): compare where every seed of both still ran
    int last = Stream.concat(n.validationPerSeed().stream(), o.validationPerSeed().stream())
        .mapToInt(c -> c.length).min().orElseThrow();
    boolean someStopped = last < Math.min(n.epochs(), o.epochs());
    double first = o.validationAccuracy().get(0).mean() - n.validationAccuracy().get(0).mean();
    double end = o.validationAccuracy().get(last - 1).mean() - n.validationAccuracy().get(last - 1).mean();
    StringBuilder b = new StringBuilder("Catching up: ").append(BASELINE).append("'s mean validation accuracy was ")
        .append(Format.points(first)).append(" points ").append(first >= 0 ? "below " : "above ").append(o.scaling())
        .append("'s after epoch 1");
    if (last == 1) {
      b.append(" (one epoch only, so nothing to say about catching up).");
      return Optional.of(b.toString());
    }
    b.append(" and ").append(Format.points(end)).append(" points ").append(end >= 0 ? "below" : "above")
        .append(" after epoch ").append(last).append(someStopped ? ", the last every seed of both ran" : "");
    String firstText = Format.points(first);
    String endText = Format.points(end);
    if (Math.signum(first) != Math.signum(end) && !endText.equals("0.00") && !firstText.equals("0.00")) {
      b.append(end >= 0 ? ": it fell behind." : ": it overtook " + o.scaling() + ".");
    } else if (endText.equals(firstText)) {
      b.append(": the gap stayed the same.");
    } else {
      b.append(Math.abs(end) < Math.abs(first) ? ": the gap narrowed." : ": the gap widened.");
    }
    Band nb = n.validationAccuracy().get(last - 1);
    Band ob = o.validationAccuracy().get(last - 1);
    if (n.seeds().size() < 2 || o.seeds().size() < 2) {
      b.append(" With one seed, whether the remaining gap exceeds run-to-run noise cannot be told.");
    } else if (ob.entirelyAbove(nb)) {
      b.append(" After epoch ").append(last).append(" every ").append(BASELINE).append(" seed was still below every ")
          .append(o.scaling()).append(" seed: within ").append(Format.epochs(last)).append(' ').append(BASELINE)
          .append(" had not caught up.");
    } else if (nb.entirelyAbove(ob)) {
      b.append(" After epoch ").append(last).append(" every ").append(BASELINE).append(" seed was above every ")
          .append(o.scaling()).append(" seed.");
    } else {
      b.append(" After epoch ").append(last).append(" the ranges over seeds overlap: the remaining difference is within the seed spread.");
    }
    b.append(' ').append(peaks(n, o));
    return Optional.of(b.toString());
  }

  /**
   * Each curve's peak (mean over seeds) and whether the baseline ever reached the other's peak:
   * the question of whether more epochs close the gap, asked of the whole run rather than of one
   * epoch, since runs stopped early end at different epochs.
   */
  static String peaks(ScalingSummary n, ScalingSummary o) {
    int np = peakEpoch(n);
    int op = peakEpoch(o);
    double oPeak = o.validationAccuracy().get(op - 1).mean();
    StringBuilder b = new StringBuilder("Over the whole runs, ").append(n.scaling())
        .append("'s mean validation accuracy peaked at ").append(Format.percent(n.validationAccuracy().get(np - 1).mean()))
        .append(" (epoch ").append(np).append("), ").append(o.scaling()).append("'s at ").append(Format.percent(oPeak))
        .append(" (epoch ").append(op).append("); ").append(n.scaling());
    OptionalInt reached = n.epochReaching(oPeak);
    if (reached.isPresent()) {
      b.append(" first reached ").append(o.scaling()).append("'s peak at epoch ").append(reached.getAsInt()).append('.');
    } else {
      b.append(" never reached it within ").append(Format.epochs(n.epochs())).append(", ending ")
          .append(Format.points(oPeak - n.lastValidationAccuracy().mean())).append(" points below it.");
    }
    return b.toString();
  }

  /** The 1-based epoch of the highest mean validation accuracy (the first, on ties). */
  private static int peakEpoch(ScalingSummary x) {
    int best = 0;
    for (int e = 1; e < x.epochs(); e++) {
      if (x.validationAccuracy().get(e).mean() > x.validationAccuracy().get(best).mean()) {
        best = e;
      }
    }
    return best + 1;
  }

  /** Mean seconds per epoch, and whether scaling measurably changed them. */
  static String speed(StudySummary s) {
    List<String> parts = new ArrayList<>();
    for (ScalingSummary x : s.scalings()) {
      parts.add(x.scaling() + " " + Format.seconds(x.secondsPerEpoch().mean()) + " s");
    }
    StringBuilder b = new StringBuilder("Mean seconds per training epoch: ").append(String.join(", ", parts)).append('.');
    if (!s.timingWarning().isEmpty()) {
      return b.append(" These times do not compare the scalings. ").append(s.timingWarning()).toString();
    }
    if (s.scalings().size() < 2) {
      return b.toString();
    }
    Comparator<ScalingSummary> bySeconds = Comparator.comparingDouble(x -> x.secondsPerEpoch().mean());
    ScalingSummary fastest = s.scalings().stream().min(bySeconds).orElseThrow();
    ScalingSummary slowest = s.scalings().stream().max(bySeconds).orElseThrow();
    if (fastest.seeds().size() < 2 || slowest.seeds().size() < 2) {
      b.append(" With one run per scaling, timing noise cannot be told apart from a difference.");
    } else if (slowest.secondsPerEpoch().entirelyAbove(fastest.secondsPerEpoch())) {
      b.append(" Every ").append(fastest.scaling()).append(" run took less time per epoch than every ")
          .append(slowest.scaling()).append(" run.");
    } else {
      b.append(" The per-run times of the fastest (").append(fastest.scaling()).append(") and slowest (")
          .append(slowest.scaling()).append(") overlap, so scaling did not measurably change the time an epoch takes.");
    }
    return b.toString();
  }

  /** " (min–max over 3 seeds: 98.70–98.90%)", or " (one seed)". */
  private static String spread(ScalingSummary x) {
    int n = x.seeds().size();
    return n < 2 ? " (one seed)" : " (min–max over " + n + " seeds: " + Format.percentRange(x.testAccuracy().min(), x.testAccuracy().max()) + ")";
  }
}
