package org.mnistspark.study;

/** Mean, minimum and maximum of one quantity over the seeds of a scaling. */
public record Band(double mean, double min, double max) {

  /**
   * Returns the band of {@code values}, summed in the order given.
   *
   * @throws IllegalArgumentException if there are no values
   */
  public static Band of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to summarize");
    }
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new Band(sum / values.length, min, max);
  }

  /** Whether every value of this band lies above every value of {@code other}. */
  public boolean entirelyAbove(Band other) {
    return min > other.max;
  }

  /** Whether the two ranges share at least one point. */
  public boolean overlaps(Band other) {
    return !entirelyAbove(other) && !other.entirelyAbove(this);
  }
}
