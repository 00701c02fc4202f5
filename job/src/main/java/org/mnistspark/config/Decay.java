package org.mnistspark.config;

import java.util.Locale;

/**
 * How the learning rate falls from {@code learning-rate} to {@code learning-rate x
 * final-learning-rate-fraction} over a run's planned training steps, after its warm-up.
 */
public enum Decay {
  /** No decay: the learning rate stays where the warm-up left it. */
  CONSTANT,
  /** Geometric: the same factor every step, so each epoch multiplies the rate by the same amount. */
  EXPONENTIAL,
  /** Half a cosine: slow at first and at the end, fastest halfway through. */
  COSINE;

  /**
   * The learning rate's multiplier after the fraction {@code t} (0..1) of the decay, with
   * {@code finalFraction} the multiplier at {@code t} = 1.
   */
  public double factor(double t, double finalFraction) {
    double x = Math.min(1, Math.max(0, t));
    return switch (this) {
      case CONSTANT -> 1;
      case EXPONENTIAL -> Math.pow(finalFraction, x);
      case COSINE -> finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * x));
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
