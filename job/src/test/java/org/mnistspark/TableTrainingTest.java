package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * convert writes the IDX files as tables, and training from the tables (read on the executors)
 * gives the model the IDX files give, bit for bit: same images, same order, same split, same seed.
 */
class TableTrainingTest {

  @Test
  void trainingFromConvertedTablesGivesTheIdxRunsModelBitForBit(@TempDir Path tmp) throws Exception {
    Path tables = tmp.resolve("tables");
    CliRun.succeeding("convert", "--master", "local[2]", "--data", RealMnist.DIR, "--train-limit", "1500", "--out",
        tables.toString());
    String[] run = {"--master", "local[2]", "--train-limit", "1200", "--epochs", "1", "--validations-per-epoch", "1"};
    CliRun.succeeding(concat(new String[] {"train", "--data", tables.toString(), "--out", tmp.resolve("t").toString()}, run));
    CliRun.succeeding(concat(new String[] {"train", "--data", RealMnist.DIR, "--out", tmp.resolve("i").toString()}, run));

    for (String entry : new String[] {"coefficients.bin", "updaterState.bin", "normalizer.bin", "configuration.json"}) {
      assertThat(bytes(tmp.resolve("t/model.zip"), entry)).as(entry).isEqualTo(bytes(tmp.resolve("i/model.zip"), entry));
    }
    JsonNode t = ModelStore.JSON.readTree(tmp.resolve("t/metrics.json").toFile());
    JsonNode i = ModelStore.JSON.readTree(tmp.resolve("i/metrics.json").toFile());
    assertThat(t.at("/test/accuracy").asDouble()).isEqualTo(i.at("/test/accuracy").asDouble());
    assertThat(t.at("/data/testImages").asInt()).isEqualTo(10_000);
    assertThat(t.at("/data/trainImages").asInt()).isEqualTo(960);
    // the tables' identity: every data file with its size and SHA-256
    assertThat(t.at("/data/files").size()).isGreaterThanOrEqualTo(2);
    assertThat(t.at("/data/files/0/path").asText()).contains("/tables/train/part-").endsWith(".parquet");
    assertThat(t.at("/data/files/0/sha256").asText()).hasSize(64);
  }

  @Test
  void aFolderWithoutItsTestTableIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
    Path tables = tmp.resolve("tables");
    CliRun.succeeding("convert", "--master", "local[2]", "--data", RealMnist.DIR, "--train-limit", "100", "--out",
        tables.toString());
    org.apache.commons.io.FileUtils.deleteDirectory(tables.resolve("test").toFile());
    CliRun.assertBadInput(CliRun.execute("train", "--master", "local[2]", "--data", tables.toString(), "--out",
            tmp.resolve("o").toString()),
        "mnist-job: " + tables.resolve("test") + ": no Parquet, ORC or CSV table (nor class folders of PNGs) here; a table folder for --data holds train/ and test/");
    assertThat(tmp.resolve("o")).doesNotExist();
  }

  @Test
  void convertRefusesAnOutputThatExists(@TempDir Path tmp) {
    CliRun.assertBadInput(CliRun.execute("convert", "--data", RealMnist.DIR, "--out", tmp.toString()),
        "mnist-job: Invalid value '" + tmp + "' for option '--out': already exists; the conversion writes a new folder");
  }

  static byte[] bytes(Path zip, String entry) throws Exception {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      return z.getInputStream(z.getEntry(entry)).readAllBytes();
    }
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
