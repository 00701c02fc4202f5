package org.mnistspark.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

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

  public static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * {@code idx} gzipped, followed by gzip members of zeros that expand to {@code extraMegabytes}
   * more: a gzip reader returns them as one stream, so the file decompresses to far more than its
   * header declares while staying about a thousandth of that size on disk.
   */
  public static byte[] gzipBomb(byte[] idx, int extraMegabytes) {
    byte[] megabyteOfZeros = gzip(new byte[1 << 20]);
    ByteBuffer b = ByteBuffer.allocate(gzip(idx).length + extraMegabytes * megabyteOfZeros.length).put(gzip(idx));
    for (int i = 0; i < extraMegabytes; i++) {
      b.put(megabyteOfZeros);
    }
    return b.array();
  }

  /** Writes the four MNIST files into {@code dir} (created if missing), holding these pixels and only label 0. */
  public static Path mnistFolder(Path dir, byte[] trainPixels, byte[] testPixels) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(MnistLoader.TRAIN_IMAGES), images(trainPixels));
    Files.write(dir.resolve(MnistLoader.TRAIN_LABELS), labels(new byte[trainPixels.length / LabeledImages.PIXELS]));
    Files.write(dir.resolve(MnistLoader.TEST_IMAGES), images(testPixels));
    Files.write(dir.resolve(MnistLoader.TEST_LABELS), labels(new byte[testPixels.length / LabeledImages.PIXELS]));
    return dir;
  }
}
