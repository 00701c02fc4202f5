package org.mnistspark.data;

import java.nio.ByteBuffer;

/** Builds tiny IDX files by hand for the tests: a big-endian header, then the given bytes. */
public final class IdxBytes {
  private IdxBytes() {}

  /** An idx3 image file: magic, count, rows, columns, then {@code data} as is. */
  public static byte[] images(int magic, int count, int rows, int columns, byte[] data) {
    return ByteBuffer.allocate(16 + data.length).putInt(magic).putInt(count).putInt(rows).putInt(columns).put(data).array();
  }

  /** A well-formed idx3 file holding {@code pixels} as {@code pixels.length / 784} 28x28 images. */
  public static byte[] images(byte[] pixels) {
    return images(IdxReader.IMAGES_MAGIC, pixels.length / LabeledImages.PIXELS, 28, 28, pixels);
  }

  /** An idx1 label file: magic, count, then {@code data} as is. */
  public static byte[] labels(int magic, int count, byte[] data) {
    return ByteBuffer.allocate(8 + data.length).putInt(magic).putInt(count).put(data).array();
  }

  /** A well-formed idx1 file holding {@code labels}. */
  public static byte[] labels(byte[] labels) {
    return labels(IdxReader.LABELS_MAGIC, labels.length, labels);
  }

  /** {@code count} images whose pixels run through all 256 byte values, shifted by {@code seed}. */
  public static byte[] pixels(int count, int seed) {
    byte[] p = new byte[count * LabeledImages.PIXELS];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (i * 7 + seed);
    }
    return p;
  }

  public static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
