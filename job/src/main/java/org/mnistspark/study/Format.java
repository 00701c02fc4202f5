package org.mnistspark.study;

import java.util.Locale;
import java.util.OptionalInt;

/** How the report writes numbers; one place, so the report and its tests agree on precision. */
final class Format {
  private Format() {}

  /** 0.98765 -> "98.77%". */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  /** A band as "98.70–98.90%". */
  static String percentRange(Band b) {
    return String.format(Locale.ROOT, "%.2f–%.2f%%", b.min() * 100, b.max() * 100);
  }

  /** A difference of two accuracies in percentage points: 0.0123 -> "1.23". */
  static String points(double fractionDifference) {
    return String.format(Locale.ROOT, "%.2f", Math.abs(fractionDifference) * 100);
  }

  /** 0.98 -> "98%", 0.985 -> "98.5%". */
  static String threshold(double fraction) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4f", fraction * 100)).stripTrailingZeros()
        .toPlainString() + "%";
  }

  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f", s);
  }

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%.0f", perSecond);
  }

  static String loss(double loss) {
    return String.format(Locale.ROOT, "%.4f", loss);
  }

  /** An epoch number, or "not reached". */
  static String epoch(OptionalInt epoch) {
    return epoch.isPresent() ? String.valueOf(epoch.getAsInt()) : "not reached";
  }

  /** "1 epoch", "4 epochs". */
  static String epochs(int n) {
    return count(n, "epoch");
  }

  /** "1 seed", "3 seeds". */
  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** A duration for progress lines: "45 s", "12 min 05 s", "1 h 02 min". */
  static String duration(double seconds) {
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
