package org.mnistspark.use;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.use.UseFixture.MNIST;
import static org.mnistspark.use.UseFixture.argmax;
import static org.mnistspark.use.UseFixture.names;
import static org.mnistspark.use.UseFixture.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;

/**
 * The predict command as a user runs it, on local[2], real MNIST and a model trained by the train
 * command: every image scored once, exactly as one JVM scores it, written Spark-style all or nothing.
 */
class PredictCommandTest {
  private static final String CSV_HEADER = "source,index,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9";
  @TempDir Path tmp;

  @Test
  void idxImagesArePredictedAsOneJvmPredictsThemAndAgreeWithTheRecordedAccuracy() throws Exception {
    Path model = UseFixture.trainedRun();
    Path out = tmp.resolve("predictions");
    Path images = Path.of(MNIST, MnistLoader.TEST_IMAGES).toAbsolutePath().normalize();
    String sha = org.apache.commons.codec.digest.DigestUtils.sha256Hex(Files.readAllBytes(model.resolve(ModelStore.MODEL)));
    boolean loadedBefore = ExecutorModels.loads(sha) > 0;

    CliRun r = run("predict", "--master", "local[2]", "--model", model.toString(), "--images", images.toString(),
        "--out", out.toString(), "--partitions", "3");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    assertThat(names(out)).containsExactly(PredictCommand.SUCCESS, OutputFolder.MANIFEST, "part-00000.csv",
        "part-00001.csv", "part-00002.csv");
    List<String[]> rows = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      List<String> lines = Files.readAllLines(out.resolve(String.format("part-%05d.csv", p)));
      assertThat(lines.get(0)).isEqualTo(CSV_HEADER);
      lines.stream().skip(1).map(l -> l.split(",", -1)).forEach(rows::add);
    }
    assertThat(rows).hasSize(10_000);
    assertMatchesSingleJvm(rows, "file:" + images);
    JsonNode trained = ModelStore.JSON.readTree(model.resolve(ModelStore.METRICS).toFile());
    assertThat(accuracy(rows)).isEqualTo(trained.at("/test/accuracy").asDouble());
    // a folder predict wrote is recognised by its manifest: the next run may replace it
    OutputFolder.open("--out", out.toString(), PredictCommand.KIND, new Configuration());
    assertThat(ExecutorModels.loads(sha)).as("copies loaded in this JVM (2 task slots)").isBetween(1, 2);
    System.out.println("BENCH " + r.out().trim() + " [local[2], 3 partitions, batch 500; "
        + (loadedBefore ? "an earlier test had loaded the model in this JVM]" : "includes loading the model on the executors]"));
  }

  @Test
  void parquetPartsReadBySparkHoldWhatOneJvmPredicts() throws Exception {
    Path model = UseFixture.trainedRun();
    Path out = tmp.resolve("predictions");
    Path images = Path.of(MNIST, MnistLoader.TEST_IMAGES).toAbsolutePath().normalize();
    CliRun r = run("predict", "--master", "local[2]", "--model", model.toString(), "--images", images.toString(),
        "--out", out.toString(), "--partitions", "2", "--format", "parquet");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    assertThat(names(out)).containsExactly(PredictCommand.SUCCESS, OutputFolder.MANIFEST, "part-00000.parquet",
        "part-00001.parquet");
    org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().master("local[1]")
        .config("spark.ui.enabled", "false").getOrCreate();
    List<String[]> rows = new ArrayList<>();
    try {
      var table = spark.read().parquet(out + "/part-*.parquet").orderBy("index");
      assertThat(table.columns()).containsExactly(CSV_HEADER.split(","));
      for (org.apache.spark.sql.Row row : table.collectAsList()) {
        String[] fields = new String[13];
        for (int c = 0; c < 13; c++) {
          fields[c] = String.valueOf(row.get(c));
        }
        rows.add(fields);
      }
    } finally {
      spark.stop();
    }
    assertThat(rows).hasSize(10_000);
    assertMatchesSingleJvm(rows, "file:" + images);
  }

  private static void assertMatchesSingleJvm(List<String[]> rows, String source) throws Exception {
    float[][] expected = UseFixture.singleJvmProbabilities();
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      assertThat(row).hasSize(13);
      assertThat(row[0]).isEqualTo(source);
      assertThat(Integer.parseInt(row[1])).isEqualTo(i);
      assertThat(Integer.parseInt(row[2])).as("image %d", i).isEqualTo(argmax(expected[i]));
      double sum = 0;
      for (int c = 0; c < 10; c++) {
        float p = Float.parseFloat(row[3 + c]);
        assertThat(p).as("image %d class %d", i, c).isCloseTo(expected[i][c], within(1e-5f));
        sum += p;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-4));
    }
  }

  private static double accuracy(List<String[]> rows) throws Exception {
    LabeledImages test = UseFixture.mnist().test();
    long right = 0;
    for (String[] row : rows) {
      int i = Integer.parseInt(row[1]);
      right += Integer.parseInt(row[2]) == test.get(i).label() ? 1 : 0;
    }
    return right / (double) rows.size();
  }

  @Test
  void aFolderOfPngsIsScoredLikeTheSameImagesInIdxAsJsonLines() throws Exception {
    Path pngs = Files.createDirectories(tmp.resolve("pngs"));
    for (int i = 0; i < 25; i++) {
      writePng(pngs.resolve(String.format("digit-%03d.png", i)), UseFixture.mnist().test().get(i).pixels());
    }
    // skipped as Spark skips them
    Files.writeString(pngs.resolve("_SUCCESS"), "");
    Files.writeString(pngs.resolve(".digit-000.png.crc"), "x");
    Path out = tmp.resolve("predictions");

    CliRun r = run("predict", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(),
        "--images", pngs.toString(), "--out", out.toString(), "--format", "jsonl");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    assertThat(names(out)).containsExactly(PredictCommand.SUCCESS, OutputFolder.MANIFEST, "part-00000.jsonl",
        "part-00001.jsonl");
    List<JsonNode> records = new ArrayList<>();
    for (String part : List.of("part-00000.jsonl", "part-00001.jsonl")) {
      for (String line : Files.readAllLines(out.resolve(part))) {
        records.add(ModelStore.JSON.readTree(line));
      }
    }
    assertThat(records).hasSize(25);
    float[][] expected = UseFixture.singleJvmProbabilities();
    for (int i = 0; i < 25; i++) {
      JsonNode rec = records.get(i);
      String name = String.format("digit-%03d.png", i);
      assertThat(rec.get("source").asText()).isEqualTo("file:" + pngs.resolve(name));
      assertThat(rec.get("file").asText()).isEqualTo(name);
      assertThat(rec.get("predicted").asInt()).isEqualTo(argmax(expected[i]));
      assertThat(rec.get("probabilities")).hasSize(10);
      assertThat(rec.get("probabilities").get(3).floatValue()).isCloseTo(expected[i][3], within(1e-5f));
    }
  }

  private static void writePng(Path file, byte[] pixels) throws Exception {
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, 28, 28, pixels);
    ImageIO.write(image, "png", file.toFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"32x32 gray", "28x28 rgb", "text"})
  void aFileThatIsNotA28x28GrayscalePngIsRefusedNamingIt(String kind) throws Exception {
    Path pngs = Files.createDirectories(tmp.resolve("pngs"));
    for (int i = 0; i < 6; i++) {
      writePng(pngs.resolve("digit-" + i + ".png"), UseFixture.mnist().test().get(i).pixels());
    }
    Path bad = pngs.resolve("digit-3b.png");
    Map<String, String> problems = Map.of(
        "32x32 gray", "is 32x32, expected 28x28 (8-bit grayscale, as MNIST)",
        "28x28 rgb", "is 8-bit RGB colour, expected 8-bit grayscale (as MNIST)",
        "text", "is not a PNG file");
    switch (kind) {
      case "32x32 gray" -> ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), "png", bad.toFile());
      case "28x28 rgb" -> ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", bad.toFile());
      default -> Files.writeString(bad, "not an image");
    }
    Path out = tmp.resolve("predictions");

    CliRun r = run("predict", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(),
        "--images", pngs.toString(), "--out", out.toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: file:" + bad + ": " + problems.get(kind) + "; nothing was written"
        + System.lineSeparator());
    assertThat(out).doesNotExist();
    assertThat(names(tmp)).containsExactly("pngs");
  }

  @Test
  void aNetworkThatIsNotThisProjectsLeNetIsRefused() throws Exception {
    Path mlp = UseFixture.perceptronRun(tmp.resolve("mlp"));

    CliRun r = run("predict", "--master", "local[2]", "--model", mlp.resolve(ModelStore.MODEL).toString(),
        "--images", Path.of(MNIST, MnistLoader.TEST_IMAGES).toString(), "--out", tmp.resolve("p").toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).startsWith("mnist-job: file:" + mlp.resolve(ModelStore.MODEL) + ": not a LeNet of this project");
    r.assertSparkNotStarted();
    assertThat(tmp.resolve("p")).doesNotExist();
  }

  @Test
  void aTamperedModelIsRefused() throws Exception {
    Path copy = UseFixture.tamperedCopy(tmp.resolve("copy"));

    CliRun r = run("predict", "--master", "local[2]", "--model", copy.toString(),
        "--images", Path.of(MNIST, MnistLoader.TEST_IMAGES).toString(), "--out", tmp.resolve("p").toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).contains(ModelStore.MODEL + " is not what was written there");
    r.assertSparkNotStarted();
    assertThat(tmp.resolve("p")).doesNotExist();
  }

  @Test
  void someoneElsesFolderAsOutIsRefusedBeforeSparkAndKept() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(work.resolve("part-00000.csv"), "someone else's");

    CliRun r = run("predict", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(),
        "--images", Path.of(MNIST, MnistLoader.TEST_IMAGES).toString(), "--out", work.toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).contains("for option '--out': holds files this job did not write (no manifest.json)");
    r.assertSparkNotStarted();
    assertThat(work.resolve("part-00000.csv")).hasContent("someone else's");
  }

  @Test
  void anUnknownFormatOrAMissingInputIsRefused() throws Exception {
    String model = UseFixture.trainedRun().toString();
    String out = tmp.resolve("p").toString();

    CliRun format = run("predict", "--model", model, "--images", MNIST, "--out", out, "--format", "xml");
    CliRun missing = run("predict", "--model", model, "--images", tmp.resolve("none").toString(), "--out", out);

    assertThat(format.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(format.err()).contains("Invalid value 'xml' for option '--format': must be one of csv, jsonl, parquet");
    assertThat(missing.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(missing.err()).isEqualTo("mnist-job: file:" + tmp.resolve("none") + ": missing (--images takes an IDX "
        + "image file or a folder of PNG files)" + System.lineSeparator());
    format.assertSparkNotStarted();
    missing.assertSparkNotStarted();
  }
}
