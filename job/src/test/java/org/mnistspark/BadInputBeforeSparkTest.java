package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mnistspark.data.MnistLoader.TRAIN_IMAGES;
import static org.mnistspark.data.MnistLoader.TRAIN_LABELS;

import com.sun.net.httpserver.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.cli.CliRun;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.IdxBytes;
import org.mnistspark.data.IdxReader;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.S3aEndpoints;
import org.mnistspark.data.Unreadable;
import org.mnistspark.pipeline.TrainingInput;

/**
 * Input the job cannot train on, given on the command line as a user would: each exits 2 with one
 * line naming the file or option and what is wrong, before a Spark context exists, writing nothing.
 */
class BadInputBeforeSparkTest {
  @TempDir Path tmp;
  private Path out;
  private final List<String> sparkProperties = new ArrayList<>();

  @BeforeEach
  void outFolder() {
    out = tmp.resolve("out");
  }

  /** Runs {@code command} on {@code data} (a folder under tmp) and checks the refusal is {@code line}. */
  private void assertRefused(String line, String command, String data, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of(command, "--data", data));
    args.addAll(List.of(options));
    if (!args.contains("--out")) {
      args.addAll(List.of("--out", out.toString()));
    }
    if (!args.contains("--master")) {
      args.addAll(List.of("--master", "local[2]"));
    }
    List<String> before = listing();
    CliRun.execute(args).assertRefused("mnist-job: " + line);

    assertThat(out).doesNotExist();
    assertThat(listing()).as("nothing written").isEqualTo(before);
  }

  private List<String> listing() throws Exception {
    try (var files = Files.walk(tmp)) {
      return files.map(Path::toString).sorted().toList();
    }
  }

  /** Ten training images (the pixel pattern of IdxBytes.pixels) and two test images. */
  private Path mnist(String name) throws Exception {
    return IdxBytes.mnistFolder(tmp.resolve(name), IdxBytes.pixels(10, 0), IdxBytes.pixels(2, 5));
  }

  private static String file(Path dir, String name) {
    return "file:" + dir.resolve(name);
  }

  @Test
  void zeroImages() throws Exception {
    Path dir = mnist("zero");
    Files.write(dir.resolve(TRAIN_IMAGES), IdxBytes.images(new byte[0]));
    Files.write(dir.resolve(TRAIN_LABELS), IdxBytes.labels(new byte[0]));
    assertRefused(file(dir, TRAIN_IMAGES) + ": item count is 0: the file holds no images", "train", dir.toString());
  }

  @Test
  void trainLimitLeavingNoValidationImage() throws Exception {
    Path dir = mnist("mnist");
    assertRefused("Invalid value '0.2' for option '--validation-fraction': splits the first 2 images of "
            + file(dir, TRAIN_IMAGES) + " (--train-limit 2) into 2 for training and 0 for validation; "
            + "each part needs at least one image",
        "train", dir.toString(), "--train-limit", "2", "--validation-fraction", "0.2");
  }

  @Test
  void validationFractionLeavingNoTrainingImage() throws Exception {
    Path dir = mnist("mnist");
    assertRefused("Invalid value '0.9' for option '--validation-fraction': splits the first 2 images of "
            + file(dir, TRAIN_IMAGES) + " (--train-limit 2) into 0 for training and 2 for validation; "
            + "each part needs at least one image",
        "train", dir.toString(), "--train-limit", "2", "--validation-fraction", "0.9");
  }

  @Test
  void fileOfOneImage() throws Exception {
    Path dir = IdxBytes.mnistFolder(tmp.resolve("one"), IdxBytes.pixels(1, 0), IdxBytes.pixels(2, 5));
    assertRefused("Invalid value '0.2' for option '--validation-fraction': splits the 1 image of "
            + file(dir, TRAIN_IMAGES) + " into 1 for training and 0 for validation; each part needs at least one image",
        "train", dir.toString());
  }

  /** Only the training split counts: the two validation images differ, and standardizing would still divide by 0. */
  @Test
  void standardizeOnEqualTrainingPixels() throws Exception {
    byte[] pixels = IdxBytes.pixels(10, 0);
    java.util.Arrays.fill(pixels, 0, 8 * 784, (byte) 0);
    Path dir = IdxBytes.mnistFolder(tmp.resolve("blank"), pixels, IdxBytes.pixels(2, 5));
    assertRefused("Invalid value 'standardize' for option '--scaling': every pixel of the 8 images for training in "
            + file(dir, TRAIN_IMAGES) + " is 0, so their standard deviation, which standardizing divides by, is 0 "
            + "(use minmax or none)",
        "train", dir.toString(), "--scaling", "standardize");
  }

  @Test
  void studyOfStandardizeOnEqualPixels() throws Exception {
    Path dir = IdxBytes.mnistFolder(tmp.resolve("blank"), new byte[10 * 784], IdxBytes.pixels(2, 5));
    assertRefused("Invalid value 'standardize' for option '--scaling': every pixel of the 8 images for training in "
            + file(dir, TRAIN_IMAGES) + " is 0, so their standard deviation, which standardizing divides by, is 0 "
            + "(use minmax or none)",
        "study", dir.toString(), "--seeds", "1", "--epochs", "1");
  }

  @Test
  void benchWithAnEmptySplit() throws Exception {
    Path dir = IdxBytes.mnistFolder(tmp.resolve("one"), IdxBytes.pixels(1, 0), IdxBytes.pixels(2, 5));
    assertRefused("Invalid value '0.2' for option '--validation-fraction': splits the 1 image of "
            + file(dir, TRAIN_IMAGES) + " into 1 for training and 0 for validation; each part needs at least one image",
        "bench", dir.toString(), "--quick");
  }

  /** 10 MB on disk, 10 GB decompressed: refused at the first byte past the declared 7,840. */
  @Test
  void gzipBomb() throws Exception {
    Path dir = mnist("bomb");
    Path images = dir.resolve(TRAIN_IMAGES);
    Files.write(images, IdxBytes.gzipBomb(Files.readAllBytes(images), 10 * 1024));
    long start = System.nanoTime();
    assertRefused(file(dir, TRAIN_IMAGES)
            + ": holds more than the 7840 data bytes its header declares; refused without reading the rest",
        "train", dir.toString());
    assertThat((System.nanoTime() - start) / 1e9).as("seconds; decompressing all of it takes far longer").isLessThan(10);
  }

  @Test
  void headerDeclaringAHundredMillionImages() throws Exception {
    Path dir = mnist("absurd");
    Files.write(dir.resolve(TRAIN_IMAGES), IdxBytes.images(IdxReader.IMAGES_MAGIC, 100_000_000, 28, 28, new byte[784]));
    assertRefused(file(dir, TRAIN_IMAGES) + ": header declares 100000000 images (78400000000 bytes), more than the "
        + "2147483639 bytes one Java array holds", "train", dir.toString());
  }

  @Test
  void rawFileShorterThanItsHeaderDeclares() throws Exception {
    Path dir = mnist("short");
    byte[] images = Files.readAllBytes(dir.resolve(TRAIN_IMAGES));
    Files.write(dir.resolve(TRAIN_IMAGES), java.util.Arrays.copyOf(images, images.length - 1));
    assertRefused(file(dir, TRAIN_IMAGES)
            + ": holds 7839 data bytes after its header, expected 7840 for the 10 images it declares (truncated?)",
        "train", dir.toString());
  }

  @Test
  void unknownFileSystemScheme() throws Exception {
    assertRefused("foo://x: unknown file system scheme 'foo' (expected e.g. file://, hdfs:// or s3a://)", "train", "foo://x");
  }

  private static final String S3A_DATA = "s3a://mnist-spark-test/mnist";

  /** S3A reads these settings in the same JVM; spark-submit's --conf passes them to the driver the same way. */
  private void setSparkProperties(Map<String, String> settings) {
    settings.forEach(System::setProperty);
    sparkProperties.addAll(settings.keySet());
  }

  @AfterEach
  void clearSparkProperties() {
    sparkProperties.forEach(System::clearProperty);
  }

  /** Refused without waiting for S3A's retries, which take more than ten minutes with its defaults. */
  private void assertRefusedQuickly(String line, String command, String data, String... options) throws Exception {
    long start = System.nanoTime();
    assertRefused(line, command, data, options);
    assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(60);
  }

  @Test
  void s3aDataWithoutCredentials() throws Exception {
    setSparkProperties(S3aEndpoints.settings(S3aEndpoints.closedPort(), false));
    assertRefusedQuickly(S3A_DATA + ": cannot be reached (no AWS credentials: SimpleAWSCredentialsProvider: No AWS "
        + "credentials in the Hadoop configuration; set fs.s3a.access.key and fs.s3a.secret.key, or AWS_ACCESS_KEY_ID "
        + "and AWS_SECRET_ACCESS_KEY)", "train", S3A_DATA);
  }

  @Test
  void s3aDataAtAnEndpointThatRefusesConnections() throws Exception {
    int port = S3aEndpoints.closedPort();
    setSparkProperties(S3aEndpoints.settings(port, true));
    assertRefusedQuickly(S3A_DATA + ": cannot be reached (no answer from http://127.0.0.1:" + port + ": Connection refused)",
        "train", S3A_DATA);
  }

  @Test
  void s3aDataInABucketThatDoesNotExist() throws Exception {
    HttpServer s3 = S3aEndpoints.withoutBuckets();
    try {
      setSparkProperties(S3aEndpoints.settings(s3.getAddress().getPort(), true));
      assertRefusedQuickly(S3A_DATA + ": cannot be reached (S3 answered 404 NoSuchBucket: The specified bucket does not "
          + "exist)", "train", S3A_DATA);
    } finally {
      s3.stop(0);
    }
  }

  @Test
  void s3aOutAtAnEndpointThatRefusesConnections() throws Exception {
    int port = S3aEndpoints.closedPort();
    setSparkProperties(S3aEndpoints.settings(port, true));
    String s3aOut = "s3a://mnist-spark-test/models/lenet";
    assertRefusedQuickly("Invalid value '" + s3aOut + "' for option '--out': cannot be reached (no answer from "
        + "http://127.0.0.1:" + port + ": Connection refused)", "train", mnist("mnist").toString(), "--out", s3aOut);
  }

  @Test
  void unreadableFile() throws Exception {
    Path dir = mnist("unreadable");
    Unreadable.make(dir.resolve(TRAIN_LABELS));
    assertRefused(file(dir, TRAIN_LABELS) + ": cannot be read: Permission denied", "train", dir.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark//host", "local[x]", "spark://host", "local[0]"})
  void malformedMaster(String master) throws Exception {
    Path dir = mnist("mnist");
    assertRefused("Invalid value '" + master + "' for option '--master': is not a Spark master URL (local, local[N], "
            + "local[*], local[N,F], local[*,F], spark://HOST:PORT[,HOST:PORT...], yarn, k8s://URL or mesos://URL)",
        "train", dir.toString(), "--master", master);
  }

  /** The folder the refusals above start from passes with the options they change left alone. */
  @Test
  void theSameDataAndSensibleOptionsPass() throws Exception {
    Path dir = mnist("mnist");
    var data = new MnistLoader(new Configuration()).load(dir.toString());
    JobConfig config = JobConfig.load(null, Map.of("data", dir.toString(), "train-limit", 2, "validation-fraction", 0.5,
        "scaling", "standardize"));
    assertThatCode(() -> TrainingInput.check(config, data)).doesNotThrowAnyException();
  }
}
