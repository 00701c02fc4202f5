package org.mnistspark.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** A logarithmic y axis for loss-like quantities that span decades, shared by every chart that needs one. */
public final class LogAxis {
  private LogAxis() {}

  /**
   * Makes the y axis logarithmic, labelled at decades, and ends it on labelled values (1, 2 or 5 x
   * 10^k) around the points of every series already added, so the highest and lowest can be read.
   */
  public static void fit(XYChart chart) {
    var st = chart.getStyler();
    st.setYAxisLogarithmic(true);
    double low = Double.POSITIVE_INFINITY;
    double high = 0;
    for (XYSeries s : chart.getSeriesMap().values()) {
      for (double v : s.getYData()) {
        if (Double.isFinite(v) && v > 0) {
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
      }
    }
    if (high > 0) {
      st.setYAxisMin(niceBelow(low));
      st.setYAxisMax(niceAbove(high));
    }
    // a custom tick formatter would switch XChart back to a linear axis; a pattern keeps it
    // logarithmic. From 10^5 up or 10^-5 down plain digits are too many to count: 1E7 instead.
    boolean wide = high > 0 && (niceAbove(high) >= 1e5 || niceBelow(low) <= 1e-5);
    st.setYAxisDecimalPattern(wide ? "0E0" : "0.######");
    // Over many decades, labelling every minor tick crowds the axis; within about one, decades
    // alone leave one or two labels and the points cannot be read off.
    st.setYAxisLogarithmicDecadeOnly(high <= 0 || niceAbove(high) / niceBelow(low) > 20);
  }

  /** The largest of 1, 2, 5 x 10^k at or below {@code v > 0}. */
  public static double niceBelow(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {5, 2, 1}) {
      if (m * decade <= v * (1 + 1e-12)) {
        return m * decade;
      }
    }
    return decade;
  }

  /** The smallest of 1, 2, 5 x 10^k at or above {@code v > 0}. */
  public static double niceAbove(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * decade >= v * (1 - 1e-12)) {
        return m * decade;
      }
    }
    return 10 * decade;
  }
}
