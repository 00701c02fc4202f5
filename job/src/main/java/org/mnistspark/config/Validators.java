package org.mnistspark.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The checks on setting values, for every block of the settings tree. Each returns the value or
 * throws an {@link InvalidOptionException} naming the key, the value and the rule it breaks. They
 * run in the settings records' constructors, so a record cannot hold a value that breaks its rule.
 */
public final class Validators {
  private Validators() {}

  /** {@code v}, a whole number of at least {@code min}. */
  public static int atLeast(String key, int v, int min) {
    if (v < min) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be at least " + min);
    }
    return v;
  }

  /** {@code v}, a finite number above 0. */
  public static double positive(String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be a positive number");
    }
    return v;
  }

  /** {@code v}, strictly between 0 and 1. */
  public static double fraction(String key, double v) {
    if (!(v > 0 && v < 1)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must lie strictly between 0 and 1");
    }
    return v;
  }

  /** {@code v}, a finite number of at least 0. */
  public static double nonNegative(String key, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be a number >= 0");
    }
    return v;
  }

  /** {@code v}, an accuracy fraction, 0 meaning off. */
  public static double accuracyOrOff(String key, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be a fraction from 0 (off) to 1");
    }
    return v;
  }

  /** {@code v} in [min, 1], or [min, 1) unless {@code oneAllowed}; {@code problem} says which. */
  public static double range(String key, double v, double min, boolean oneAllowed, String problem) {
    if (!(v >= min && (oneAllowed ? v <= 1 : v < 1))) {
      throw new InvalidOptionException(key, String.valueOf(v), problem);
    }
    return v;
  }

  /** {@code v} trimmed, refused when empty. */
  public static String nonEmpty(String key, String v) {
    String trimmed = v.trim();
    if (trimmed.isEmpty()) {
      throw new InvalidOptionException(key, v, "must not be empty");
    }
    return trimmed;
  }

  /** {@code v} trimmed and lower-cased, refused unless it is one of {@code allowed}. */
  public static String oneOf(String key, String v, String... allowed) {
    String name = v.trim().toLowerCase(Locale.ROOT);
    if (!List.of(allowed).contains(name)) {
      throw new InvalidOptionException(key, v, "must be one of " + String.join(", ", allowed));
    }
    return name;
  }

  /**
   * The items of the comma-separated {@code list}, each converted by {@code item} (which throws
   * {@link IllegalArgumentException} with the reason for one it refuses), none twice.
   */
  public static <T> List<T> commaList(String key, String list, Function<String, T> item) {
    List<T> out = new ArrayList<>();
    for (String part : list.split(",", -1)) {
      T value;
      try {
        value = item.apply(part.trim());
      } catch (IllegalArgumentException e) {
        throw new InvalidOptionException(key, list, e.getMessage());
      }
      if (out.contains(value)) {
        throw new InvalidOptionException(key, list, "names " + part.trim().toLowerCase(Locale.ROOT) + " twice");
      }
      out.add(value);
    }
    return out;
  }

  /** The comma-separated whole numbers of at least {@code min} in {@code list}. */
  public static List<Integer> countList(String key, String list, int min) {
    return commaList(key, list, part -> {
      int n;
      try {
        n = Integer.parseInt(part);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + part + "' is not a whole number");
      }
      if (n < min) {
        throw new IllegalArgumentException("'" + part + "' is less than " + min);
      }
      return n;
    });
  }

  /** {@code list}: comma-separated validation accuracies in (0, 1], each above the one before. */
  public static List<Double> risingAccuracies(String key, String list) {
    List<Double> out = commaList(key, list, Validators::number);
    for (int i = 0; i < out.size(); i++) {
      double t = out.get(i);
      if (!(t > 0 && t <= 1) || (i > 0 && t <= out.get(i - 1))) {
        throw new InvalidOptionException(key, list, "must be accuracies in (0, 1], rising, e.g. 0.98,0.99");
      }
    }
    return out;
  }

  /** {@code list}: comma-separated learning rates, each a positive number. */
  public static List<Double> rates(String key, String list) {
    return commaList(key, list, part -> {
      double rate = number(part);
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("'" + part + "' is not a positive number");
      }
      return rate;
    });
  }

  private static double number(String part) {
    try {
      return Double.parseDouble(part);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + part + "' is not a number");
    }
  }
}
