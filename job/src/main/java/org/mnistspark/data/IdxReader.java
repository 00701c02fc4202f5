package org.mnistspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Parses the IDX format of MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header of
 * magic number, counts and dimensions, then unsigned bytes. The header is read and checked first,
 * so a file is never read past what its header declares: a damaged header, a truncated or
 * oversized file, or a gzip bomb is refused before its data are held in memory. Every check names
 * the file, the value found and the value expected. Hand-written because the format is 16 bytes of
 * header and no maintained Java library reads it without also downloading or pre-scaling the data.
 */
public final class IdxReader {
  public static final int IMAGES_MAGIC = 2051;
  public static final int LABELS_MAGIC = 2049;
  static final int IMAGES_HEADER = 16;
  static final int LABELS_HEADER = 8;
  static final int CLASSES = 10;
  /** The longest byte array HotSpot allocates; the data of one file must fit in one. */
  static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * What a header declares.
   *
   * @param file the name used in error messages
   * @param items what the file holds: "images" or "labels"
   * @param dataBytes how many bytes must follow the header
   */
  public record Header(String file, String items, int headerBytes, int count, long dataBytes) {}

  /**
   * Reads and checks the header of an idx3 image file.
   *
   * @throws InvalidInputException if the header is short or wrong, declares no images or more than
   *     one array holds, or images that are not 28x28
   */
  public static Header imagesHeader(String file, InputStream in) throws IOException {
    ByteBuffer b = header(file, in, IMAGES_HEADER, IMAGES_MAGIC);
    int count = count(file, b.getInt(4), "images");
    int rows = b.getInt(8);
    int columns = b.getInt(12);
    if (rows != LabeledImages.ROWS || columns != LabeledImages.COLUMNS) {
      throw new InvalidInputException(file, "images are " + rows + "x" + columns + ", expected 28x28");
    }
    return declared(new Header(file, "images", IMAGES_HEADER, count, (long) count * LabeledImages.PIXELS));
  }

  /**
   * Reads and checks the header of an idx1 label file.
   *
   * @throws InvalidInputException if the header is short or wrong, or declares no labels
   */
  public static Header labelsHeader(String file, InputStream in) throws IOException {
    ByteBuffer b = header(file, in, LABELS_HEADER, LABELS_MAGIC);
    int count = count(file, b.getInt(4), "labels");
    return declared(new Header(file, "labels", LABELS_HEADER, count, count));
  }

  /**
   * Returns the pixels that follow {@code header}, image after image.
   *
   * @param storedLength the file's length when known (an uncompressed file), else -1
   * @throws InvalidInputException if the data are not exactly as long as the header says
   */
  public static byte[] images(Header header, InputStream in, long storedLength) throws IOException {
    return data(header, in, storedLength);
  }

  /**
   * Returns the labels that follow {@code header}.
   *
   * @param storedLength the file's length when known (an uncompressed file), else -1
   * @throws InvalidInputException if the data are not exactly as long as the header says, or a
   *     label lies outside 0..9
   */
  public static byte[] labels(Header header, InputStream in, long storedLength) throws IOException {
    byte[] labels = data(header, in, storedLength);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= CLASSES) {
        throw new InvalidInputException(header.file(), "label " + (labels[i] & 0xff) + " at index " + i + " is outside 0..9");
      }
    }
    return labels;
  }

  private static ByteBuffer header(String file, InputStream in, int headerBytes, int magic) throws IOException {
    byte[] header = in.readNBytes(headerBytes);
    if (header.length < headerBytes) {
      throw new InvalidInputException(file,
          "file is " + header.length + " bytes, shorter than its " + headerBytes + "-byte IDX header");
    }
    ByteBuffer b = ByteBuffer.wrap(header); // big-endian, as IDX is
    int found = b.getInt(0);
    if (found != magic) {
      throw new InvalidInputException(file, "magic number is " + found + ", expected " + magic
          + (magic == IMAGES_MAGIC ? " (an idx3 image file)" : " (an idx1 label file)"));
    }
    return b;
  }

  private static int count(String file, int count, String items) throws InvalidInputException {
    if (count < 0) {
      throw new InvalidInputException(file, "item count " + count + " is negative");
    }
    if (count == 0) {
      throw new InvalidInputException(file, "item count is 0: the file holds no " + items);
    }
    return count;
  }

  private static Header declared(Header h) throws InvalidInputException {
    if (h.dataBytes() > MAX_DATA_BYTES) {
      throw new InvalidInputException(h.file(), "header declares " + h.count() + " " + h.items() + " (" + h.dataBytes()
          + " bytes), more than the " + MAX_DATA_BYTES + " bytes one Java array holds");
    }
    return h;
  }

  /**
   * Reads exactly the declared bytes into one array of that size, and one byte more to find out
   * whether the file goes on: never more, whatever a compressed file would expand to.
   */
  private static byte[] data(Header h, InputStream in, long storedLength) throws IOException {
    if (storedLength >= 0 && storedLength - h.headerBytes() != h.dataBytes()) {
      throw lengthMismatch(h, storedLength - h.headerBytes());
    }
    byte[] out = new byte[(int) h.dataBytes()];
    int read = in.readNBytes(out, 0, out.length);
    if (read < out.length) {
      throw lengthMismatch(h, read);
    }
    if (in.read() != -1) {
      throw new InvalidInputException(h.file(), "holds more than the " + h.dataBytes()
          + " data bytes its header declares; refused without reading the rest");
    }
    return out;
  }

  private static InvalidInputException lengthMismatch(Header h, long found) {
    return new InvalidInputException(h.file(), "holds " + found + " data bytes after its header, expected "
        + h.dataBytes() + (found < h.dataBytes() ? " (truncated?)" : ""));
  }
}
