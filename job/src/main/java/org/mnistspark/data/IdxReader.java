package org.mnistspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Parses the IDX format of MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header of
 * magic number, counts and dimensions, then unsigned bytes. The header is read and checked first,
 * so a file is never read past what its header declares: a damaged header, a truncated or
 * oversized file, or a gzip bomb is refused before its data are held in memory. Nothing is
 * allocated from the header's count alone: a file of known length must be as long as its header
 * says before its array is made, and a stream of unknown length (a decompressed one) is read into
 * an array that grows only as its data arrive; every allocation is first checked against the heap
 * that is free. Every check names the file, the value found and the value expected. Hand-written
 * because the format is 16 bytes of header and no maintained Java library reads it without also
 * downloading or pre-scaling the data.
 */
public final class IdxReader {
  public static final int IMAGES_MAGIC = 2051;
  public static final int LABELS_MAGIC = 2049;
  static final int IMAGES_HEADER = 16;
  static final int LABELS_HEADER = 8;
  static final int CLASSES = 10;
  /** The longest byte array HotSpot allocates; the data of one file must fit in one. */
  static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;
  /** The first array a stream of unknown length is read into; it doubles as the data arrive. */
  static final int FIRST_CHUNK = 1 << 20;
  /** What to do when the driver's heap is too small for its input, in the refusal. */
  static final String MORE_HEAP = "give the driver more heap: spark.driver.memory in conf/spark-cluster.properties, "
      + "or submit/cluster.sh --spark-conf spark.driver.memory=4g; -Xmx in DRIVER_JAVA_OPTS for the other submit/ scripts";

  private IdxReader() {}

  /** How much heap an array of input data may take. */
  @FunctionalInterface
  public interface Heap {
    /**
     * The bytes that can be allocated now, as best known; called before each allocation with the
     * size about to be allocated (the JVM's collects garbage first when that looks too much).
     */
    long free(long wanted);

    /**
     * This JVM's heap: the maximum less what is in use. Garbage still counts as in use, so when
     * {@code wanted} looks too much the collector runs once and the figure is taken again.
     */
    Heap JVM = wanted -> {
      long free = unused();
      if (wanted > free) {
        System.gc();
        free = unused();
      }
      return free;
    };

    private static long unused() {
      Runtime r = Runtime.getRuntime();
      return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }
  }

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
   * @param heap checked before each array is allocated
   * @throws InvalidInputException if the data are not exactly as long as the header says, or do
   *     not fit in the heap that is free
   */
  public static byte[] images(Header header, InputStream in, long storedLength, Heap heap) throws IOException {
    return data(header, in, storedLength, heap);
  }

  /**
   * Returns the labels that follow {@code header}.
   *
   * @param storedLength the file's length when known (an uncompressed file), else -1
   * @param heap checked before each array is allocated
   * @throws InvalidInputException if the data are not exactly as long as the header says, do not
   *     fit in the heap that is free, or a label lies outside 0..9
   */
  public static byte[] labels(Header header, InputStream in, long storedLength, Heap heap) throws IOException {
    byte[] labels = data(header, in, storedLength, heap);
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
   * Reads exactly the declared bytes, and one byte more to find out whether the file goes on:
   * never more, whatever a compressed file would expand to. A file of known length is checked
   * against its header before its array is allocated; a stream of unknown length is read into an
   * array that starts at {@link #FIRST_CHUNK} and doubles as data arrive, up to the declared size,
   * so a tiny file that declares millions of images is found truncated before much is allocated.
   */
  private static byte[] data(Header h, InputStream in, long storedLength, Heap heap) throws IOException {
    long declared = h.dataBytes();
    if (storedLength >= 0) {
      if (storedLength - h.headerBytes() != declared) {
        throw lengthMismatch(h, storedLength - h.headerBytes());
      }
      byte[] out = allocate(h, (int) declared, 0, heap);
      int read = in.readNBytes(out, 0, out.length);
      if (read < out.length) { // the file shrank after its length was taken
        throw lengthMismatch(h, read);
      }
      return end(h, in, out);
    }
    byte[] out = allocate(h, (int) Math.min(declared, FIRST_CHUNK), 0, heap);
    int read = 0;
    while (true) {
      read += in.readNBytes(out, read, out.length - read);
      if (read < out.length) {
        throw lengthMismatch(h, read);
      }
      if (read == declared) {
        return end(h, in, out);
      }
      byte[] larger = allocate(h, (int) Math.min(declared, 2L * out.length), read, heap);
      System.arraycopy(out, 0, larger, 0, read);
      out = larger;
    }
  }

  /** {@code out}, once {@code in} is found to end where the header says. */
  private static byte[] end(Header h, InputStream in, byte[] out) throws IOException {
    if (in.read() != -1) {
      throw new InvalidInputException(h.file(), "holds more than the " + h.dataBytes()
          + " data bytes its header declares; refused without reading the rest");
    }
    return out;
  }

  /**
   * A new array of {@code size} bytes for the data of {@code h}, of which {@code arrived} have been
   * read so far, or the exit-2 refusal when the heap cannot take it.
   */
  private static byte[] allocate(Header h, int size, long arrived, Heap heap) throws InvalidInputException {
    long free = heap.free(size);
    if (size <= free) {
      try {
        return new byte[size];
      } catch (OutOfMemoryError e) {
        // free heap is not always one free block; the failed allocation itself left nothing behind
        free = heap.free(size);
      }
    }
    String declares = "header declares " + h.count() + " " + h.items() + " (" + h.dataBytes() + " bytes)";
    String needs = arrived == 0 && size == h.dataBytes() ? ","
        : (arrived == 0 ? "; reading them" : "; after " + arrived + " bytes arrived, reading on") + " needs an array of "
            + size + " bytes,";
    throw new InvalidInputException(h.file(), declares + needs + " more than the " + Math.max(free, 0)
        + " bytes of driver heap free (" + MORE_HEAP + ")");
  }

  private static InvalidInputException lengthMismatch(Header h, long found) {
    return new InvalidInputException(h.file(), "holds " + found + " data bytes after its header, expected "
        + h.dataBytes() + " for the " + h.count() + " " + h.items() + " it declares"
        + (found < h.dataBytes() ? " (truncated?)" : ""));
  }
}
