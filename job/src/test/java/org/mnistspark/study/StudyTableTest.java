package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * A study with --data naming convert's tables of real MNIST trains what the same study on the IDX
 * files trains: the same validation curve and test accuracy, number for number.
 */
class StudyTableTest {
  @Test
  void aStudyOnConvertedTablesRecordsWhatTheSameStudyOnTheIdxFilesRecords(@TempDir Path tmp) throws Exception {
    Path tables = tmp.resolve("tables");
    CliRun.succeeding("convert", "--master", "local[2]", "--data", RealMnist.dir(), "--train-limit", "600", "--out",
        tables.toString());

    JsonNode fromTables = study(tmp.resolve("t"), tables.toString());
    JsonNode fromIdx = study(tmp.resolve("i"), RealMnist.DIR);

    assertThat(fromTables.get("trainImages").asInt()).isEqualTo(480);
    assertThat(fromTables.get("testExamples").asLong()).isEqualTo(10_000);
    assertThat(fromTables.get("testAccuracy").asDouble()).isEqualTo(fromIdx.get("testAccuracy").asDouble());
    assertThat(fromTables.get("curve")).isNotEmpty();
    for (int i = 0; i < fromIdx.get("curve").size(); i++) {
      assertThat(fromTables.get("curve").get(i).get("loss").asDouble()).as("validation check %d", i)
          .isEqualTo(fromIdx.get("curve").get(i).get("loss").asDouble());
    }
  }

  /** A one-run study (minmax, one seed, one epoch) of {@code data} into {@code out}; its run in results.json. */
  private static JsonNode study(Path out, String data) throws Exception {
    List<String> args = new ArrayList<>(List.of("study", "--master", "local[2]", "--data", data, "--out", out.toString(),
        "--train-limit", "600", "--epochs", "1", "--seeds", "1", "--scalings", "minmax", "--batch-size-per-worker", "16",
        "--averaging-frequency", "10"));
    CliRun.succeeding(args);
    JsonNode runs = ModelStore.JSON.readTree(out.resolve("results.json").toFile()).get("runs");
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }
}
