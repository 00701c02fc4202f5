package org.mnistspark.scale;

import java.util.Locale;

/** How pixels are scaled before they reach the network. */
public enum Scaling {
  /** Raw 0..255 values: the unnormalized baseline. */
  NONE,
  /** x / 255, into [0, 1]. */
  MINMAX,
  /** (x - mean) / std, with mean and std fitted on the training split. */
  STANDARDIZE;

  public static Scaling parse(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
