package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mnistspark.data.IdxBytes.bytes;
import static org.mnistspark.data.IdxBytes.images;
import static org.mnistspark.data.IdxBytes.labels;
import static org.mnistspark.data.IdxBytes.pixels;
import static org.mnistspark.data.IdxReader.IMAGES_MAGIC;
import static org.mnistspark.data.IdxReader.LABELS_MAGIC;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A table of hand-made IDX files, each checked by {@link #check}: parsed bytes or the exact message. */
class IdxReaderTest {
  enum Kind { IMAGES, LABELS }

  /**
   * @param expected the parsed bytes, or null when {@code error} is expected
   * @param error the message after "file: ", or null when the file is good
   */
  record Case(String name, Kind kind, byte[] content, byte[] expected, String error) {
    static Case good(String name, Kind kind, byte[] content, byte[] expected) {
      return new Case(name, kind, content, expected, null);
    }

    static Case bad(String name, Kind kind, byte[] content, String error) {
      return new Case(name, kind, content, null, error);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    byte[] two = pixels(2, 3); // includes bytes >= 128, which Java sees as negative
    byte[] digits = bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    return Stream.of(
        // good files parse to exactly their data bytes
        Case.good("two-images", Kind.IMAGES, images(two), two),
        Case.good("ten-labels", Kind.LABELS, labels(digits), digits),

        // nothing to train or test on
        Case.bad("no-images", Kind.IMAGES, images(IMAGES_MAGIC, 0, 28, 28, new byte[0]),
            "item count is 0: the file holds no images"),
        Case.bad("no-labels", Kind.LABELS, labels(LABELS_MAGIC, 0, new byte[0]), "item count is 0: the file holds no labels"),

        // shorter than the header
        Case.bad("empty-images", Kind.IMAGES, new byte[0], "file is 0 bytes, shorter than its 16-byte IDX header"),
        Case.bad("short-images", Kind.IMAGES, Arrays.copyOf(images(two), 15),
            "file is 15 bytes, shorter than its 16-byte IDX header"),
        Case.bad("short-labels", Kind.LABELS, Arrays.copyOf(labels(digits), 7),
            "file is 7 bytes, shorter than its 8-byte IDX header"),

        // wrong magic: the other file of the pair, or no IDX at all
        Case.bad("labels-as-images", Kind.IMAGES, labels(digits),
            "magic number is 2049, expected 2051 (an idx3 image file)"),
        Case.bad("images-as-labels", Kind.LABELS, images(two),
            "magic number is 2051, expected 2049 (an idx1 label file)"),
        Case.bad("gzip-as-images", Kind.IMAGES, images(0x1f8b0800, 2, 28, 28, two),
            "magic number is 529205248, expected 2051 (an idx3 image file)"),

        // dimensions other than 28x28
        Case.bad("28x27", Kind.IMAGES, images(IMAGES_MAGIC, 2, 28, 27, Arrays.copyOf(two, 2 * 28 * 27)),
            "images are 28x27, expected 28x28"),
        Case.bad("32x32", Kind.IMAGES, images(IMAGES_MAGIC, 1, 32, 32, new byte[32 * 32]),
            "images are 32x32, expected 28x28"),

        // truncated data
        Case.bad("truncated-images", Kind.IMAGES, images(IMAGES_MAGIC, 2, 28, 28, Arrays.copyOf(two, 1567)),
            "holds 1567 data bytes after its header, expected 1568 for the 2 images it declares (truncated?)"),
        Case.bad("header-only-images", Kind.IMAGES, images(IMAGES_MAGIC, 60000, 28, 28, new byte[0]),
            "holds 0 data bytes after its header, expected 47040000 for the 60000 images it declares (truncated?)"),
        Case.bad("truncated-labels", Kind.LABELS, labels(LABELS_MAGIC, 11, digits),
            "holds 10 data bytes after its header, expected 11 for the 11 labels it declares (truncated?)"),

        // counts no array holds, refused from the header alone
        Case.bad("100M-images", Kind.IMAGES, images(IMAGES_MAGIC, 100_000_000, 28, 28, two),
            "header declares 100000000 images (78400000000 bytes), more than the 2147483639 bytes one Java array holds"),
        Case.bad("huge-count-images", Kind.IMAGES, images(IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28, new byte[0]),
            "header declares 2147483647 images (1683627179248 bytes), more than the 2147483639 bytes one Java array holds"),
        Case.bad("huge-count-labels", Kind.LABELS, labels(LABELS_MAGIC, Integer.MAX_VALUE, digits),
            "header declares 2147483647 labels (2147483647 bytes), more than the 2147483639 bytes one Java array holds"),

        // trailing bytes
        Case.bad("trailing-images", Kind.IMAGES, images(IMAGES_MAGIC, 2, 28, 28, Arrays.copyOf(two, 1569)),
            "holds 1569 data bytes after its header, expected 1568 for the 2 images it declares"),
        Case.bad("trailing-labels", Kind.LABELS, labels(LABELS_MAGIC, 9, digits),
            "holds 10 data bytes after its header, expected 9 for the 9 labels it declares"),

        // negative counts
        Case.bad("negative-images", Kind.IMAGES, images(IMAGES_MAGIC, -1, 28, 28, new byte[0]),
            "item count -1 is negative"),
        Case.bad("negative-labels", Kind.LABELS, labels(LABELS_MAGIC, Integer.MIN_VALUE, new byte[0]),
            "item count -2147483648 is negative"),

        // labels outside 0..9
        Case.bad("label-10", Kind.LABELS, labels(bytes(0, 9, 10, 3)), "label 10 at index 2 is outside 0..9"),
        Case.bad("label-255", Kind.LABELS, labels(bytes(255, 1)), "label 255 at index 0 is outside 0..9"),
        Case.bad("label-128", Kind.LABELS, labels(bytes(1, 2, 3, 128)), "label 128 at index 3 is outside 0..9"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void table(Case c) {
    check(c);
  }

  private static void check(Case c) {
    String file = "hdfs://namenode/mnist/" + c.name;
    byte[] before = c.content.clone();
    if (c.error == null) {
      byte[] parsed;
      try {
        parsed = read(c.kind, file, c.content);
      } catch (IOException e) {
        throw new AssertionError(c.name + " should parse, got: " + e.getMessage(), e);
      }
      assertThat(parsed).as(c.name).containsExactly(c.expected);
      // a copy, not a view of the file's bytes
      assertThat(parsed).isNotSameAs(c.content);
    } else {
      assertThatThrownBy(() -> read(c.kind, file, c.content))
          .as(c.name)
          .isExactlyInstanceOf(InvalidInputException.class)
          .hasMessage(file + ": " + c.error);
    }
    assertThat(c.content).as("the input is left as it was").containsExactly(before);
  }

  /** As for an uncompressed file, whose length is known before its data are read. */
  private static byte[] read(Kind kind, String file, byte[] content) throws IOException {
    InputStream in = new ByteArrayInputStream(content);
    return kind == Kind.IMAGES
        ? IdxReader.images(IdxReader.imagesHeader(file, in), in, content.length, IdxReader.Heap.JVM)
        : IdxReader.labels(IdxReader.labelsHeader(file, in), in, content.length, IdxReader.Heap.JVM);
  }

  /**
   * A stream of unknown length, as a decompressing one, that never ends: reading stops one byte
   * past what the header declares.
   */
  @Test
  void endlessStreamIsReadOnlyOneBytePastTheDeclaredData() {
    byte[] header = Arrays.copyOf(images(pixels(2, 3)), 16);
    AtomicLong served = new AtomicLong();
    InputStream endless = new SequenceInputStream(new ByteArrayInputStream(header), new InputStream() {
      @Override
      public int read() {
        served.incrementAndGet();
        return 7;
      }
    });
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> IdxReader.images(IdxReader.imagesHeader("f", endless), endless, -1, IdxReader.Heap.JVM))
            .isExactlyInstanceOf(InvalidInputException.class)
            .hasMessage("f: holds more than the 1568 data bytes its header declares; refused without reading the rest"));
    assertThat(served.get()).isEqualTo(1568 + 1);
  }

  @Test
  void shortStreamOfUnknownLengthIsTruncated() {
    InputStream in = new ByteArrayInputStream(labels(LABELS_MAGIC, 11, bytes(0, 1, 2)));
    assertThatThrownBy(() -> IdxReader.labels(IdxReader.labelsHeader("f", in), in, -1, IdxReader.Heap.JVM))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("f: holds 3 data bytes after its header, expected 11 for the 11 labels it declares (truncated?)");
  }

  /** A heap with {@code free} bytes that records every size asked for. */
  private static IdxReader.Heap heap(long free, List<Long> asked) {
    return wanted -> {
      asked.add(wanted);
      return free;
    };
  }

  private static final String MORE_HEAP = "(give the driver more heap: spark.driver.memory in conf/spark-cluster.properties, "
      + "or submit/cluster.sh --spark-conf spark.driver.memory=4g; -Xmx in DRIVER_JAVA_OPTS for the other submit/ scripts)";

  /**
   * As a tiny .gz whose header declares 2.7 million images (2 GB) decompresses: nothing is
   * allocated from the count, only the first chunk, and the file is found truncated.
   */
  @Test
  void streamDeclaringMillionsOfImagesAllocatesOnlyForWhatArrives() {
    InputStream in = new ByteArrayInputStream(images(IMAGES_MAGIC, 2_700_000, 28, 28, pixels(2, 3)));
    List<Long> asked = new ArrayList<>();
    assertThatThrownBy(() -> IdxReader.images(IdxReader.imagesHeader("f", in), in, -1, heap(Long.MAX_VALUE, asked)))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("f: holds 1568 data bytes after its header, expected 2116800000 for the 2700000 images it declares "
            + "(truncated?)");
    assertThat(asked).containsExactly((long) IdxReader.FIRST_CHUNK);
  }

  /** A stream of unknown length longer than the first chunk: read whole through the doubling array, byte-exact. */
  @Test
  void streamLargerThanTheFirstChunkReadsWhole() throws IOException {
    byte[] pixels = pixels(3000, 11); // 2,352,000 bytes: 1 MiB, 2 MiB, then the declared size
    InputStream in = new ByteArrayInputStream(images(pixels));
    List<Long> asked = new ArrayList<>();
    assertThat(IdxReader.images(IdxReader.imagesHeader("f", in), in, -1, heap(Long.MAX_VALUE, asked))).containsExactly(pixels);
    assertThat(asked).containsExactly(1L << 20, 2L << 20, 2_352_000L);
  }

  @Test
  void streamOutgrowingTheFreeHeapIsRefusedOnceItsDataArrive() {
    InputStream in = new ByteArrayInputStream(images(pixels(6688, 0))); // 5,243,392 bytes
    List<Long> asked = new ArrayList<>();
    assertThatThrownBy(() -> IdxReader.images(IdxReader.imagesHeader("f", in), in, -1, heap(3L << 20, asked)))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("f: header declares 6688 images (5243392 bytes); after 2097152 bytes arrived, reading on needs an "
            + "array of 4194304 bytes, more than the 3145728 bytes of driver heap free " + MORE_HEAP);
    assertThat(asked).containsExactly(1L << 20, 2L << 20, 4L << 20);
  }

  /** A raw file as long as its header says, larger than the heap that is free: refused before its array is made. */
  @Test
  void fileLargerThanTheFreeHeapIsRefusedBeforeItsArrayIsMade() {
    byte[] file = labels(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 0));
    InputStream in = new ByteArrayInputStream(file);
    List<Long> asked = new ArrayList<>();
    assertThatThrownBy(() -> IdxReader.labels(IdxReader.labelsHeader("f", in), in, file.length, heap(9, asked)))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("f: header declares 10 labels (10 bytes), more than the 9 bytes of driver heap free " + MORE_HEAP);
    assertThat(asked).containsExactly(10L);
  }

  /** A raw file whose length disagrees with its header is refused before the heap is even asked. */
  @Test
  void rawFileDeclaringMillionsOfImagesIsRefusedFromItsLength() {
    byte[] file = images(IMAGES_MAGIC, 2_700_000, 28, 28, pixels(2, 3));
    InputStream in = new ByteArrayInputStream(file);
    List<Long> asked = new ArrayList<>();
    assertThatThrownBy(() -> IdxReader.images(IdxReader.imagesHeader("f", in), in, file.length, heap(Long.MAX_VALUE, asked)))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("f: holds 1568 data bytes after its header, expected 2116800000 for the 2700000 images it declares "
            + "(truncated?)");
    assertThat(asked).isEmpty();
  }
}
