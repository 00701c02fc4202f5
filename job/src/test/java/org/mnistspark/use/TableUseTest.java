package org.mnistspark.use;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.use.UseFixture.argmax;
import static org.mnistspark.use.UseFixture.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.output.ModelStore;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * evaluate and predict on a table that convert wrote from the real MNIST test images give what
 * they give on the IDX file of the same images: the same counts, the same scores per image.
 */
class TableUseTest {
  @TempDir static Path shared;
  /** convert's tables of real MNIST: test/ holds the 10,000 test images with their ids. */
  static Path tables;
  @TempDir Path tmp;

  @BeforeAll
  static void convert() {
    tables = shared.resolve("tables");
    CliRun.succeeding("convert", "--master", "local[2]", "--data", UseFixture.MNIST, "--train-limit", "100", "--out",
        tables.toString());
  }

  @Test
  void evaluateOnTheTestTableCountsWhatOneJvmCountsOnTheIdxFile() throws Exception {
    Path out = tmp.resolve("eval");

    CliRun r = run("evaluate", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(), "--images",
        tables.resolve("test").toString(), "--out", out.toString(), "--partitions", "3");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    JsonNode m = ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
    Evaluation single = UseFixture.singleJvmEvaluation();
    assertThat(m.at("/test/accuracy").asDouble()).isEqualTo(single.accuracy());
    assertThat(m.at("/test/examples").asLong()).isEqualTo(10_000);
    for (int t = 0; t < 10; t++) {
      for (int p = 0; p < 10; p++) {
        assertThat(m.at("/test/confusionMatrix/" + t + "/" + p).asLong()).as("cell %d,%d", t, p)
            .isEqualTo(single.getConfusionMatrix().getCount(t, p));
      }
    }
    // the table's identity: its data files with their SHA-256
    assertThat(m.at("/data/files/0/path").asText()).contains("/tables/test/part-").endsWith(".parquet");
    assertThat(m.at("/data/files/0/sha256").asText()).hasSize(64);
    assertThat(m.at("/spark/partitions").asInt()).isEqualTo(3);
    assertThat(r.out()).contains("on 10000 images of " + tables.resolve("test"));
  }

  @Test
  void predictOnTheTestTableScoresEachIdAsOneJvmScoresThatImage() throws Exception {
    Path out = tmp.resolve("predictions");

    CliRun r = run("predict", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(), "--images",
        tables.resolve("test").toString(), "--out", out.toString(), "--partitions", "3");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    List<String[]> rows = csvRows(out, 3);
    assertThat(rows).hasSize(10_000);
    assertScores(rows, "file:" + tables.resolve("test"));
  }

  @Test
  void aTableWithoutIdsNamesEachImageByItsPosition() throws Exception {
    Path noIds = tmp.resolve("no-ids");
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      // one file, so that the order Spark reads is the order written
      spark.read().parquet(tables.resolve("test").toString()).orderBy("id").limit(500).drop("id", "label").coalesce(1)
          .write().parquet(noIds.toString());
    } finally {
      spark.stop();
    }
    Path out = tmp.resolve("predictions");

    CliRun r = run("predict", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(), "--images",
        noIds.toString(), "--out", out.toString(), "--partitions", "2", "--format", "jsonl");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    float[][] expected = UseFixture.singleJvmProbabilities();
    List<JsonNode> records = new ArrayList<>();
    for (String part : List.of("part-00000.jsonl", "part-00001.jsonl")) {
      for (String line : Files.readAllLines(out.resolve(part))) {
        records.add(ModelStore.JSON.readTree(line));
      }
    }
    assertThat(records).hasSize(500);
    for (int i = 0; i < 500; i++) {
      assertThat(records.get(i).get("id").asLong()).isEqualTo(i);
      assertThat(records.get(i).get("predicted").asInt()).as("image %d", i).isEqualTo(argmax(expected[i]));
    }
  }

  @Test
  void aMissingImageColumnIsRefusedInOneLineAndNothingIsWritten() throws Exception {
    Path out = tmp.resolve("eval");

    CliRun r = run("evaluate", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(), "--images",
        tables.resolve("test").toString(), "--out", out.toString(), "--image-column", "pixels");

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: " + tables.resolve("test") + ": no column 'pixels' (--image-column); the "
        + "table has id, label, image" + System.lineSeparator());
    assertThat(out).doesNotExist();
  }

  @Test
  void labelsDoNotGoWithATable() throws Exception {
    CliRun r = run("evaluate", "--model", UseFixture.trainedRun().toString(), "--images", tables.resolve("test").toString(),
        "--labels", "y", "--out", tmp.resolve("eval").toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: Invalid value 'y' for option '--labels': does not go with --images "
        + tables.resolve("test") + ", a table: its label column holds the labels" + System.lineSeparator());
    r.assertSparkNotStarted();
  }

  static List<String[]> csvRows(Path out, int parts) throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      List<String> lines = Files.readAllLines(out.resolve(String.format("part-%05d.csv", p)));
      assertThat(lines.get(0)).isEqualTo("source,id,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9");
      lines.stream().skip(1).map(l -> l.split(",", -1)).forEach(rows::add);
    }
    return rows;
  }

  /** Row i scores test image i (its id) as one JVM does. */
  static void assertScores(List<String[]> rows, String source) throws Exception {
    float[][] expected = UseFixture.singleJvmProbabilities();
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      assertThat(row[0]).isEqualTo(source);
      assertThat(Long.parseLong(row[1])).isEqualTo(i);
      assertThat(Integer.parseInt(row[2])).as("image %d", i).isEqualTo(argmax(expected[i]));
      for (int c = 0; c < 10; c++) {
        assertThat(Float.parseFloat(row[3 + c])).as("image %d class %d", i, c).isCloseTo(expected[i][c], within(1e-5f));
      }
    }
  }
}
