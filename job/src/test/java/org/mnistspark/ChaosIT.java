package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.SubmitScripts.ROOT;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * The chaos run's short version, as CI runs it: submit/chaos.sh with three faults (a worker with
 * its executor, the master and the second DataNode killed mid-training), on its own standalone
 * cluster and HDFS. Nothing may be lost or corrupt, and each fault must be survived. An executor
 * killed mid-task is StandaloneClusterIT's, two runs on one output OutputLockTest's (two JVMs,
 * locally and on MiniDFS).
 */
@Tag("cluster")
class ChaosIT {
  static final Path WORK = ROOT.resolve("job/target/chaos-it");

  @Test
  void threeFaultsAreSurvivedWithNothingLostOrCorrupt() throws Exception {
    RealMnist.dir();
    SubmitScripts scripts = new SubmitScripts(WORK.resolve("unused"), ROOT.resolve("job/target/chaos-it-scripts"));
    SubmitScripts.Result run = scripts.script(900, "submit/chaos.sh", "--seed", "21", "--runs", "3",
        "--faults", "worker,master,datanode", "--work", WORK.toString());
    assertThat(run.code()).as("chaos.sh exit code; stdout:\n%s\nstderr:\n%s", run.out(), run.err()).isZero();

    JsonNode result = ModelStore.JSON.readTree(WORK.resolve("chaos.json").toFile());
    assertThat(result.get("injected").asInt()).as("faults injected; %s", run.out()).isEqualTo(3);
    assertThat(result.get("kinds").asInt()).isEqualTo(3);
    assertThat(result.get("survived").asInt()).as(run.out()).isEqualTo(3);
    assertThat(result.get("lostOrCorrupt").asInt()).as(run.out()).isZero();
    assertThat(run.out()).contains("faults injected: 3 of 3 (3 kinds), survived: 3, outputs lost or corrupt: 0");

    // the driver saw each cluster fault as docs/operating.md describes it, and went on
    assertThat(driverLog("worker")).containsPattern("SparkSetup: executor \\d+ lost").contains("saved model.zip");
    assertThat(driverLog("master")).contains("Disconnected from Spark cluster! Waiting for reconnection...",
        "saved model.zip");
  }

  /** The stderr of the run that was given {@code fault}. */
  private static String driverLog(String fault) throws IOException {
    try (Stream<Path> logs = Files.list(WORK.resolve("logs"))) {
      Path log = logs.filter(p -> p.getFileName().toString().matches("\\d+-" + fault + "\\.stderr")).findFirst()
          .orElseThrow(() -> new AssertionError("no log of the " + fault + " run in " + WORK.resolve("logs")));
      return Files.readString(log);
    }
  }
}
