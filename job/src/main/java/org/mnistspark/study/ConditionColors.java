package org.mnistspark.study;

import java.awt.Color;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One colour per condition of a study, the same in every plot: a scaling's own colour (raw red,
 * x/255 blue, standardized green), and for several conditions of one scaling (learning rates,
 * network variants) shades of it spread evenly from dark to light in the plan's order, so the
 * scaling still reads at a glance and no two of its shades sit close together.
 */
final class ConditionColors {
  private static final Map<String, Color> SCALINGS = Map.of(
      "none", new Color(0xD6, 0x27, 0x28),
      "minmax", new Color(0x1F, 0x77, 0xB4),
      "standardize", new Color(0x2C, 0xA0, 0x2C));
  private static final Color OTHER = new Color(0x55, 0x55, 0x55);
  /** The darkest and lightest shade, as a fraction mixed in of black and of white. */
  private static final double SPREAD = 0.5;

  private ConditionColors() {}

  /** The colour of each of {@code conditions}, in their order. */
  static Map<String, Color> of(List<String> conditions) {
    Map<String, Long> count = conditions.stream()
        .collect(Collectors.groupingBy(StudyPlan::scalingOf, Collectors.counting()));
    Map<String, Color> out = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String condition : conditions) {
      String scaling = StudyPlan.scalingOf(condition);
      int k = seen.merge(scaling, 1, Integer::sum) - 1;
      long n = count.get(scaling);
      double f = n == 1 ? 0 : -SPREAD + 2 * SPREAD * k / (n - 1);
      out.put(condition, shade(SCALINGS.getOrDefault(scaling, OTHER), f));
    }
    return out;
  }

  private static Color shade(Color c, double f) {
    int target = f < 0 ? 0 : 255;
    double a = Math.abs(f);
    return new Color(mix(c.getRed(), target, a), mix(c.getGreen(), target, a), mix(c.getBlue(), target, a));
  }

  private static int mix(int from, int to, double a) {
    return (int) Math.round(from + (to - from) * a);
  }
}
