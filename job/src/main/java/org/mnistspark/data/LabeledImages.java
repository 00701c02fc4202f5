package org.mnistspark.data;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * Images and labels of one IDX pair, held as two flat byte arrays: on the driver, and broadcast to
 * executors, which cut them into records.
 */
public final class LabeledImages implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int ROWS = 28;
  public static final int COLUMNS = 28;
  public static final int PIXELS = ROWS * COLUMNS;

  private final byte[] pixels;
  private final byte[] labels;

  /**
   * @param pixels {@code labels.length * 784} bytes, image after image
   * @throws IllegalArgumentException if the lengths do not match
   */
  public LabeledImages(byte[] pixels, byte[] labels) {
    if (pixels.length != (long) labels.length * PIXELS) {
      throw new IllegalArgumentException(
          "expected " + (long) labels.length * PIXELS + " pixel bytes for " + labels.length + " labels, got " + pixels.length);
    }
    this.pixels = pixels;
    this.labels = labels;
  }

  public int size() {
    return labels.length;
  }

  /** Image {@code i} as a compact record (its pixels copied out of the flat array). */
  public LabeledImage get(int i) {
    return new LabeledImage(Arrays.copyOfRange(pixels, i * PIXELS, (i + 1) * PIXELS), labels[i]);
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive) as records, built lazily on access. */
  public List<LabeledImage> range(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size() + " images");
    }
    return new AbstractList<>() {
      @Override
      public LabeledImage get(int i) {
        return LabeledImages.this.get(from + i);
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  /** The first {@code n} images (this, when that is all of them). */
  public LabeledImages head(int n) {
    if (n == size()) {
      return this;
    }
    return new LabeledImages(Arrays.copyOf(pixels, n * PIXELS), Arrays.copyOf(labels, n));
  }

  /**
   * Whether every pixel of the first {@code n} images has the same value: their standard
   * deviation is then 0. Stops at the first pixel that differs, so real images cost a few bytes.
   */
  public boolean samePixels(int n) {
    int end = n * PIXELS;
    for (int i = 1; i < end; i++) {
      if (pixels[i] != pixels[0]) {
        return false;
      }
    }
    return true;
  }

  /** All images as records. */
  public List<LabeledImage> all() {
    return range(0, size());
  }
}
