package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.retrain.RetrainIntegrationTest.history;
import static org.mnistspark.retrain.RetrainIntegrationTest.recordedAccuracy;
import static org.mnistspark.retrain.RetrainIntegrationTest.retrain;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.RealMnist;

/**
 * retrain with --data naming convert's tables of real MNIST: the candidate trains on the tables,
 * production trained on the IDX files is evaluated again on the test table (the same images, so
 * its recorded accuracy comes out), and a production trained on the same tables is compared by
 * the SHA-256 of the test table's files without evaluating it again.
 */
class RetrainTableTest {
  @TempDir Path tmp;

  @Test
  void candidatesTrainOnTablesAndProductionIsMeasuredOnTheTestTable() throws Exception {
    Path tables = tmp.resolve("tables");
    CliRun.succeeding("convert", "--master", "local[2]", "--data", RealMnist.dir(), "--train-limit", "1000", "--out",
        tables.toString());
    Path root = tmp.resolve("root");
    String[] small = {"--train-limit", "1000", "--floor", "0.5", "--tolerance", "0.5"};

    assertThat(retrain(root, Path.of(RealMnist.DIR), small).exitCode()).isZero();
    CliRun fromTables = retrain(root, tables, small);
    CliRun again = retrain(root, tables, small);

    assertThat(fromTables.exitCode()).as("stderr %s", fromTables.err()).isZero();
    assertThat(again.exitCode()).as("stderr %s", again.err()).isZero();
    List<HistoryEntry> h = history(root);
    assertThat(h).extracting(HistoryEntry::decision).containsExactly(History.PROMOTED, History.PROMOTED, History.PROMOTED);
    // the IDX-trained production on the test table: the same 10,000 images its own test saw
    assertThat(h.get(1).reason()).endsWith("production's accuracy re-evaluated on the candidate's test set (its test "
        + "files differ by SHA-256)");
    assertThat(h.get(1).productionAccuracy()).isEqualTo(recordedAccuracy(root, h.get(0).run()));
    assertThat(h.get(1).accuracy()).isEqualTo(recordedAccuracy(root, h.get(1).run())).isGreaterThan(0.5);
    assertThat(h.get(2).reason()).endsWith("production's accuracy as recorded in its metrics.json (same test files by "
        + "SHA-256)");
    assertThat(h.get(2).productionAccuracy()).isEqualTo(recordedAccuracy(root, h.get(1).run()));
  }
}
