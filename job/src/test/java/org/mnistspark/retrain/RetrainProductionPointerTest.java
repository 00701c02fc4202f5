package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.output.OutputFolder;

/**
 * The retrain command with a production file that does not name a run: the run fails closed, before
 * it trains (so no data is needed here), with one line on stderr and one history line saying why.
 */
class RetrainProductionPointerTest {
  private static final String OLD = "20261124T020000Z";

  @TempDir Path tmp;

  private record Row(String content, String problem) {}

  @Test
  void aProductionFileThatDoesNotNameARunFailsTheRunWithAHistoryLine() throws Exception {
    for (Row row : List.of(
        new Row("", "is empty (0 characters; a replacement cut short, e.g. by a power loss, can leave it so)"),
        new Row("garbage\n", "holds 'garbage', not a run name such as 20261125T093000Z"))) {
      Path dir = Files.createDirectories(tmp.resolve("root" + row.content().length()));
      RetrainRoot root = RetrainRoot.open(dir.toString(), new Configuration());
      Files.createDirectories(dir.resolve("runs").resolve(OLD));
      new History(root).append(HistoryEntry.now(OLD, 0.98, null, null, History.PROMOTED, "earlier"));
      Files.writeString(dir.resolve(RetrainRoot.PRODUCTION), row.content());
      String message = root.production() + " " + row.problem() + RetrainRootTest.POINTER_ADVICE;

      // a floor any candidate meets: with "no production" it would be promoted, had it data to train on
      CliRun r = CliRun.execute("retrain", "--root", dir.toString(), "--master", "local[2]", "--data",
          tmp.resolve("never-read").toString(), "--floor", "0");

      assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(MnistJob.FAILED);
      assertThat(r.errLines()).containsExactly("mnist-job: " + message);
      assertThat(r.out()).isEmpty();
      List<HistoryEntry> history = new History(root).read();
      assertThat(history).hasSize(2);
      HistoryEntry failed = history.get(1);
      assertThat(failed.decision()).isEqualTo(History.FAILED);
      assertThat(RunName.isRunName(failed.run())).as(failed.run()).isTrue();
      assertThat(failed.production()).isNull();
      assertThat(failed.reason()).isEqualTo(message);
      // production, runs and the lock as before the run
      assertThat(dir.resolve(RetrainRoot.PRODUCTION)).hasContent(row.content());
      assertThat(dir.resolve("runs").toFile().list()).containsExactly(OLD);
      assertThat(dir.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, RetrainRoot.HISTORY,
          RetrainRoot.PRODUCTION, OutputFolder.MANIFEST);
    }
  }
}
