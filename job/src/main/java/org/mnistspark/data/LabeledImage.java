package org.mnistspark.data;

import java.io.Serializable;

/**
 * One training record as it travels through Spark: the 784 raw pixel bytes and the label, nothing
 * more (a float copy would be four times larger). A plain class rather than a record because
 * Spark's Kryo cannot set a record's fields.
 */
public final class LabeledImage implements Serializable {
  private static final long serialVersionUID = 1L;
  private final byte[] pixels;
  private final byte label;

  public LabeledImage(byte[] pixels, int label) {
    this.pixels = pixels;
    this.label = (byte) label;
  }

  /** Row-major 28x28 pixels, 0..255 as unsigned bytes; shared, not copied. */
  public byte[] pixels() {
    return pixels;
  }

  public int label() {
    return label;
  }
}
