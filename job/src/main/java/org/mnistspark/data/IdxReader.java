package org.mnistspark.data;

import java.nio.ByteBuffer;

/**
 * Parses the IDX format of MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header of
 * magic number, counts and dimensions, then unsigned bytes. Every check names the file, the value
 * found and the value expected. Hand-written because the format is 16 bytes of header and no
 * maintained Java library reads it without also downloading or pre-scaling the data.
 */
public final class IdxReader {
  public static final int IMAGES_MAGIC = 2051;
  public static final int LABELS_MAGIC = 2049;
  static final int IMAGES_HEADER = 16;
  static final int LABELS_HEADER = 8;
  static final int CLASSES = 10;

  private IdxReader() {}

  /**
   * Returns the pixels of an idx3 image file, image after image.
   *
   * @param file the name used in error messages
   * @throws InvalidInputException if the header is short or wrong, images are not 28x28, or the
   *     data is not exactly as long as the header says
   */
  public static byte[] images(String file, byte[] content) throws InvalidInputException {
    ByteBuffer b = header(file, content, IMAGES_HEADER, IMAGES_MAGIC);
    int count = count(file, b.getInt(4));
    int rows = b.getInt(8);
    int columns = b.getInt(12);
    if (rows != LabeledImages.ROWS || columns != LabeledImages.COLUMNS) {
      throw new InvalidInputException(file, "images are " + rows + "x" + columns + ", expected 28x28");
    }
    return body(file, content, IMAGES_HEADER, (long) count * LabeledImages.PIXELS);
  }

  /**
   * Returns the labels of an idx1 label file.
   *
   * @throws InvalidInputException if the header is short or wrong, the data is not exactly as long
   *     as the header says, or a label lies outside 0..9
   */
  public static byte[] labels(String file, byte[] content) throws InvalidInputException {
    ByteBuffer b = header(file, content, LABELS_HEADER, LABELS_MAGIC);
    byte[] labels = body(file, content, LABELS_HEADER, count(file, b.getInt(4)));
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= CLASSES) {
        throw new InvalidInputException(file, "label " + (labels[i] & 0xff) + " at index " + i + " is outside 0..9");
      }
    }
    return labels;
  }

  private static ByteBuffer header(String file, byte[] content, int headerBytes, int magic) throws InvalidInputException {
    if (content.length < headerBytes) {
      throw new InvalidInputException(file,
          "file is " + content.length + " bytes, shorter than its " + headerBytes + "-byte IDX header");
    }
    ByteBuffer b = ByteBuffer.wrap(content); // big-endian, as IDX is
    int found = b.getInt(0);
    if (found != magic) {
      throw new InvalidInputException(file, "magic number is " + found + ", expected " + magic
          + (magic == IMAGES_MAGIC ? " (an idx3 image file)" : " (an idx1 label file)"));
    }
    return b;
  }

  private static int count(String file, int count) throws InvalidInputException {
    if (count < 0) {
      throw new InvalidInputException(file, "item count " + count + " is negative");
    }
    return count;
  }

  private static byte[] body(String file, byte[] content, int headerBytes, long expected) throws InvalidInputException {
    long found = content.length - headerBytes;
    if (found != expected) {
      throw new InvalidInputException(file, "holds " + found + " data bytes after its header, expected " + expected
          + (found < expected ? " (truncated?)" : ""));
    }
    byte[] out = new byte[(int) expected];
    System.arraycopy(content, headerBytes, out, 0, out.length);
    return out;
  }
}
