package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The checks on configuration values, for the job's settings and retrain's alike. Each returns the
 * value at {@code key} or throws an {@link InvalidOptionException} naming the key, the value and the
 * rule it breaks.
 */
public final class Validators {
  private Validators() {}

  /** The whole number at {@code key}, at least {@code min}. */
  public static int atLeast(Config c, String key, int min) {
    int v = getInt(c, key);
    if (v < min) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be at least " + min);
    }
    return v;
  }

  /** The whole number at {@code key}. */
  private static int getInt(Config c, String key) {
    try {
      return c.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new InvalidOptionException(key, c.getValue(key).unwrapped().toString(), "must be a whole number");
    }
  }

  /** The finite number above 0 at {@code key}. */
  public static double positive(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be a positive number");
    }
    return v;
  }

  /** The number strictly between 0 and 1 at {@code key}. */
  public static double fraction(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v > 0 && v < 1)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must lie strictly between 0 and 1");
    }
    return v;
  }

  /** The finite number of at least 0 at {@code key}. */
  public static double nonNegative(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be a number >= 0");
    }
    return v;
  }

  /** The accuracy fraction at {@code key}, 0 meaning off. */
  public static double accuracyOrOff(Config c, String key) {
    double v = c.getDouble(key);
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidOptionException(key, String.valueOf(v), "must be a fraction from 0 (off) to 1");
    }
    return v;
  }

  /** The number at {@code key} in [min, 1], or [min, 1) unless {@code oneAllowed}; {@code problem} says which. */
  public static double range(Config c, String key, double min, boolean oneAllowed, String problem) {
    double v = c.getDouble(key);
    if (!(v >= min && (oneAllowed ? v <= 1 : v < 1))) {
      throw new InvalidOptionException(key, String.valueOf(v), problem);
    }
    return v;
  }
}
