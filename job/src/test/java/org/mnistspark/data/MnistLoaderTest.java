package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mnistspark.data.MnistLoader.TEST_IMAGES;
import static org.mnistspark.data.MnistLoader.TEST_LABELS;
import static org.mnistspark.data.MnistLoader.TRAIN_IMAGES;
import static org.mnistspark.data.MnistLoader.TRAIN_LABELS;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistLoaderTest {
  private static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  @TempDir Path tmp;

  private final MnistLoader loader = new MnistLoader(new Configuration());

  /** Three training and two test images, each pixel pattern distinct, as the four IDX files. */
  private static Map<String, byte[]> synthetic() {
    return Map.of(
        TRAIN_IMAGES, IdxBytes.images(IdxBytes.pixels(3, 0)),
        TRAIN_LABELS, IdxBytes.labels(IdxBytes.bytes(5, 0, 9)),
        TEST_IMAGES, IdxBytes.images(IdxBytes.pixels(2, 101)),
        TEST_LABELS, IdxBytes.labels(IdxBytes.bytes(7, 2)));
  }

  private Path write(String folder, Map<String, byte[]> files, boolean gzip) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(folder));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.write(dir.resolve(gzip ? f.getKey() + ".gz" : f.getKey()), gzip ? gzip(f.getValue()) : f.getValue());
    }
    return dir;
  }

  private static byte[] gzip(byte[] raw) {
    return IdxBytes.gzip(raw);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static void assertSameImages(LabeledImages actual, LabeledImages expected) {
    assertThat(actual.size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).pixels()).as("image %d", i).containsExactly(expected.get(i).pixels());
      assertThat(actual.get(i).label()).as("label %d", i).isEqualTo(expected.get(i).label());
    }
  }

  /** The stored files in load order, with the path, size and digest of their bytes as stored. */
  private static void assertFiles(MnistData data, Path dir, String suffix) throws Exception {
    assertThat(data.files()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      Path stored = dir.resolve(NAMES.get(i) + suffix);
      byte[] bytes = Files.readAllBytes(stored);
      MnistData.InputFile f = data.files().get(i);
      assertThat(f.path()).isEqualTo("file:" + stored.toAbsolutePath());
      assertThat(f.bytes()).isEqualTo(bytes.length);
      assertThat(f.sha256()).isEqualTo(sha256(bytes)).hasSize(64);
    }
  }

  /**
   * Reads through the S3A connector and the AWS SDK modules the job ships (not the SDK bundle), from
   * an endpoint on this machine that answers as S3 does: the same images and digests as from disk.
   */
  @Test
  void loadsFromAnS3Bucket() throws Exception {
    Map<String, byte[]> files = synthetic();
    // one file gzipped, so the listing and the .gz fallback are exercised too
    byte[] trainImagesGz = IdxBytes.gzip(files.get(TRAIN_IMAGES));
    Map<String, byte[]> objects = Map.of(
        "datasets/mnist/" + TRAIN_IMAGES + ".gz", trainImagesGz,
        "datasets/mnist/" + TRAIN_LABELS, files.get(TRAIN_LABELS),
        "datasets/mnist/" + TEST_IMAGES, files.get(TEST_IMAGES),
        "datasets/mnist/" + TEST_LABELS, files.get(TEST_LABELS));
    HttpServer s3 = S3aEndpoints.serving(objects);
    try {
      Configuration conf = new Configuration();
      S3aEndpoints.settings(s3.getAddress().getPort(), true)
          .forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));

      MnistData data = new MnistLoader(conf).load("s3a://mnist-spark-stub/datasets/mnist");

      assertSameImages(data.train(), new LabeledImages(IdxBytes.pixels(3, 0), IdxBytes.bytes(5, 0, 9)));
      assertSameImages(data.test(), new LabeledImages(IdxBytes.pixels(2, 101), IdxBytes.bytes(7, 2)));
      assertThat(data.files().get(0).path()).isEqualTo("s3a://mnist-spark-stub/datasets/mnist/" + TRAIN_IMAGES + ".gz");
      assertThat(data.files().get(0).sha256()).isEqualTo(sha256(trainImagesGz));
      assertThat(data.files().get(3).sha256()).isEqualTo(sha256(files.get(TEST_LABELS)));
    } finally {
      s3.stop(0);
    }
  }

  @Test
  void rawAndGzippedCopiesLoadIdentically() throws Exception {
    Map<String, byte[]> files = synthetic();
    Path raw = write("raw", files, false);
    Path gz = write("gz", files, true);

    MnistData fromRaw = loader.load(raw.toString());
    MnistData fromGz = loader.load(gz.toString());

    // byte-exact against the bytes written, not only against each other
    LabeledImages train = new LabeledImages(IdxBytes.pixels(3, 0), IdxBytes.bytes(5, 0, 9));
    LabeledImages test = new LabeledImages(IdxBytes.pixels(2, 101), IdxBytes.bytes(7, 2));
    assertSameImages(fromRaw.train(), train);
    assertSameImages(fromRaw.test(), test);
    assertSameImages(fromGz.train(), train);
    assertSameImages(fromGz.test(), test);

    assertFiles(fromRaw, raw, "");
    assertFiles(fromGz, gz, ".gz");
    // the gzip digests are those of the compressed bytes, so they differ from the raw ones
    assertThat(fromGz.files().get(0).sha256()).isNotEqualTo(fromRaw.files().get(0).sha256());
  }

  @Test
  void gzipContentUnderTheRawNameIsRecognisedByContent() throws Exception {
    Map<String, byte[]> files = synthetic();
    Path dir = write("mislabelled", files, false);
    Files.write(dir.resolve(TRAIN_IMAGES), gzip(files.get(TRAIN_IMAGES)));

    MnistData data = loader.load(dir.toString());

    assertSameImages(data.train(), new LabeledImages(IdxBytes.pixels(3, 0), IdxBytes.bytes(5, 0, 9)));
    assertThat(data.files().get(0).sha256()).isEqualTo(sha256(Files.readAllBytes(dir.resolve(TRAIN_IMAGES))));
  }

  @Test
  void fileUriFolderLoadsToo() throws Exception {
    Path dir = write("uri", synthetic(), false);
    MnistData data = loader.load(dir.toUri().toString());
    assertThat(data.train().size()).isEqualTo(3);
    assertThat(data.test().size()).isEqualTo(2);
  }

  @Test
  void missingFolderIsNamed() {
    String folder = tmp.resolve("no-such-folder").toString();
    assertThatThrownBy(() -> loader.load(folder))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage(folder + ": no such data folder (run submit/fetch-mnist.sh, or pass --data)");
  }

  @Test
  void fileInsteadOfFolderIsNamed() throws Exception {
    Path file = Files.write(tmp.resolve("not-a-folder"), new byte[] {1});
    assertThatThrownBy(() -> loader.load(file.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage(file + ": is not a folder (expected one holding the four MNIST IDX files)");
  }

  @Test
  void missingFileIsNamed() throws Exception {
    Path dir = write("three", synthetic(), false);
    Files.delete(dir.resolve(TEST_LABELS));
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage(dir.resolve(TEST_LABELS) + ": missing (neither it nor t10k-labels-idx1-ubyte.gz exists)");
  }

  @Test
  void labelCountDifferentFromImageCountNamesBothFiles() throws Exception {
    Map<String, byte[]> files = new java.util.HashMap<>(synthetic());
    files.put(TRAIN_LABELS, IdxBytes.labels(IdxBytes.bytes(5, 0)));
    Path dir = write("mismatch", files, false);
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TRAIN_LABELS) + ": holds 2 labels but file:" + dir.resolve(TRAIN_IMAGES)
            + " holds 3 images");
  }

  @Test
  void invalidIdxIsReportedWithTheQualifiedPath() throws Exception {
    Map<String, byte[]> files = new java.util.HashMap<>(synthetic());
    files.put(TEST_IMAGES, IdxBytes.labels(IdxBytes.bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
    Path dir = write("bad-magic", files, true);
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TEST_IMAGES + ".gz")
            + ": magic number is 2049, expected 2051 (an idx3 image file)");
  }

  @Test
  void corruptGzipIsNamed() throws Exception {
    Path dir = write("corrupt", synthetic(), true);
    byte[] gz = Files.readAllBytes(dir.resolve(TRAIN_LABELS + ".gz"));
    Files.write(dir.resolve(TRAIN_LABELS + ".gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("file:" + dir.resolve(TRAIN_LABELS + ".gz") + ": is not a valid gzip file (")
        .hasMessageNotContaining("\n");
  }

  @Test
  void zeroCountIsRefused() throws Exception {
    Map<String, byte[]> files = new java.util.HashMap<>(synthetic());
    files.put(TEST_IMAGES, IdxBytes.images(new byte[0]));
    files.put(TEST_LABELS, IdxBytes.labels(new byte[0]));
    Path dir = write("empty-test-set", files, false);
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TEST_IMAGES) + ": item count is 0: the file holds no images");
  }

  @Test
  void rawFileLongerThanItsHeaderDeclaresIsRefused() throws Exception {
    Map<String, byte[]> files = new java.util.HashMap<>(synthetic());
    files.put(TRAIN_LABELS, IdxBytes.labels(IdxReader.LABELS_MAGIC, 3, IdxBytes.bytes(5, 0, 9, 1)));
    Path dir = write("trailing", files, false);
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TRAIN_LABELS)
            + ": holds 4 data bytes after its header, expected 3 for the 3 labels it declares");
  }

  /**
   * 4 MB on disk that would expand to 4 GB, more than fits a Java array: refused after reading one
   * byte past the declared data, long before decompressing it all could finish.
   */
  @Test
  void gzipBombIsRefusedWithoutExpandingIt() throws Exception {
    Map<String, byte[]> files = new java.util.HashMap<>(synthetic());
    files.put(TRAIN_IMAGES, IdxBytes.gzipBomb(files.get(TRAIN_IMAGES), 4096));
    Path dir = write("bomb", files, false);
    assertThat(Files.size(dir.resolve(TRAIN_IMAGES))).isLessThan(6L << 20);
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TRAIN_IMAGES)
            + ": holds more than the 2352 data bytes its header declares; refused without reading the rest"));
  }

  @Test
  void dataLargerThanTheFreeHeapAreRefusedBeforeTheirArrayIsMade() throws Exception {
    Path dir = write("big", synthetic(), true);
    // the 3 training images are 2352 bytes, and the heap says 2351 are free
    MnistLoader small = new MnistLoader(new Configuration(), wanted -> 2351);
    assertThatThrownBy(() -> small.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TRAIN_IMAGES + ".gz") + ": header declares 3 images (2352 bytes), more than "
            + "the 2351 bytes of driver heap free (give the driver more heap: spark.driver.memory in "
            + "conf/spark-cluster.properties, or submit/cluster.sh --spark-conf spark.driver.memory=4g; -Xmx in "
            + "DRIVER_JAVA_OPTS for the other submit/ scripts)");
  }

  /** The files already read are held as they are read; the heap's own figure accounts for them. */
  @Test
  void eachArrayIsCheckedAgainstTheHeapFreeAtItsTime() throws Exception {
    Path dir = write("each", synthetic(), false);
    List<Long> asked = new java.util.ArrayList<>();
    new MnistLoader(new Configuration(), wanted -> {
      asked.add(wanted);
      return wanted;
    }).load(dir.toString());
    assertThat(asked).containsExactly(2352L, 3L, 1568L, 2L);
  }

  @Test
  void hundredMillionImagesAreRefusedFromTheHeader() throws Exception {
    Map<String, byte[]> files = new java.util.HashMap<>(synthetic());
    files.put(TRAIN_IMAGES, IdxBytes.images(IdxReader.IMAGES_MAGIC, 100_000_000, 28, 28, IdxBytes.pixels(3, 0)));
    Path dir = write("absurd", files, false);
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TRAIN_IMAGES) + ": header declares 100000000 images (78400000000 bytes), "
            + "more than the 2147483639 bytes one Java array holds");
  }

  @Test
  void unreadableFileIsNamed() throws Exception {
    Path dir = write("unreadable", synthetic(), false);
    Unreadable.make(dir.resolve(TEST_LABELS));
    assertThatThrownBy(() -> loader.load(dir.toString()))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("file:" + dir.resolve(TEST_LABELS) + ": cannot be read: Permission denied");
  }

  @Test
  void unknownSchemeIsNamed() {
    assertThatThrownBy(() -> loader.load("foo://x/mnist"))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage("foo://x/mnist: unknown file system scheme 'foo' (expected e.g. file://, hdfs:// or s3a://)");
  }

  /** The real data set, fetched by submit/fetch-mnist.sh before the tests run. */
  @Test
  void realMnist() throws Exception {
    String dir = System.getProperty("mnist.dir");
    if (dir == null || !Files.isDirectory(Path.of(dir))) {
      fail("no MNIST folder at " + dir + " (system property mnist.dir): run submit/fetch-mnist.sh first");
    }
    MnistData data;
    try {
      data = loader.load(dir);
    } catch (InvalidInputException e) {
      throw new AssertionError("MNIST in " + dir + " is incomplete or damaged; run submit/fetch-mnist.sh: "
          + e.getMessage(), e);
    }
    assertThat(data.train().size()).isEqualTo(60_000);
    assertThat(data.test().size()).isEqualTo(10_000);
    assertThat(data.train().get(0).label()).isEqualTo(5);
    assertThat(data.test().get(0).label()).isEqualTo(7);
    assertThat(histogram(data.train())).containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
    assertThat(histogram(data.test())).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
    // the digests submit/fetch-mnist.sh verifies
    assertThat(data.files()).extracting(MnistData.InputFile::sha256).containsExactly(
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    assertThat(data.files()).extracting(MnistData.InputFile::bytes)
        .containsExactly(47_040_016L, 60_008L, 7_840_016L, 10_008L);
  }

  private static int[] histogram(LabeledImages images) {
    int[] h = new int[10];
    for (int i = 0; i < images.size(); i++) {
      h[images.get(i).label()]++;
    }
    return h;
  }
}
