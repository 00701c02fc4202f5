package org.mnistspark.report;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/** How the reports (a study's, a run's) write numbers; one place, so reports and their tests agree on precision. */
public final class Format {
  private Format() {}

  /** 0.98765 -> "98.77%". */
  public static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  /** An accuracy, precision or recall as metrics.json and the job's log lines give it: 0.98765 -> "0.9877". */
  public static String fraction(double fraction) {
    return String.format(Locale.ROOT, "%.4f", fraction);
  }

  /** A range as "98.70–98.90%". */
  public static String percentRange(double min, double max) {
    return String.format(Locale.ROOT, "%.2f–%.2f%%", min * 100, max * 100);
  }

  /** A difference of two accuracies in percentage points: 0.0123 -> "1.23". */
  public static String points(double fractionDifference) {
    return String.format(Locale.ROOT, "%.2f", Math.abs(fractionDifference) * 100);
  }

  /** 0.98 -> "98%", 0.985 -> "98.5%". */
  public static String threshold(double fraction) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4f", fraction * 100)).stripTrailingZeros()
        .toPlainString() + "%";
  }

  public static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f", s);
  }

  public static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%.0f", perSecond);
  }

  /** A learning rate to three significant digits, never in E notation: 0.01 / 255 -> "0.0000392". */
  public static String learningRate(double rate) {
    return new java.math.BigDecimal(rate).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** "a", "a and b", "a, b and c". */
  public static String list(List<String> items) {
    int n = items.size();
    return n < 2 ? String.join("", items) : String.join(", ", items.subList(0, n - 1)) + " and " + items.get(n - 1);
  }

  /** A p-value: "0.0215", "< 0.0001". */
  public static String pValue(double p) {
    return p < 1e-4 ? "< 0.0001" : String.format(Locale.ROOT, "%.4f", p);
  }

  public static String loss(double loss) {
    return String.format(Locale.ROOT, "%.4f", loss);
  }

  /** An epoch number, or "not reached". */
  public static String epoch(OptionalInt epoch) {
    return epoch.isPresent() ? String.valueOf(epoch.getAsInt()) : "not reached";
  }

  /** "1 epoch", "4 epochs". */
  public static String epochs(int n) {
    return count(n, "epoch");
  }

  /** "1 seed", "3 seeds". */
  public static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** A duration for progress lines: "45 s", "12 min 05 s", "1 h 02 min". */
  public static String duration(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
