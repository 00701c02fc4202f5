package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.SubmitScripts.ROOT;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * The chaos run's short version, as CI runs it: submit/chaos.sh with three faults (an executor and
 * the second DataNode killed mid-training, two runs started on one output), on its own standalone
 * cluster and HDFS. Nothing may be lost or corrupt, and each fault must be survived.
 */
@Tag("cluster")
class ChaosIT {
  static final Path WORK = ROOT.resolve("job/target/chaos-it");

  @Test
  void threeFaultsAreSurvivedWithNothingLostOrCorrupt() throws Exception {
    RealMnist.dir();
    SubmitScripts scripts = new SubmitScripts(WORK.resolve("unused"), ROOT.resolve("job/target/chaos-it-scripts"));
    SubmitScripts.Result run = scripts.script(900, "submit/chaos.sh", "--seed", "21", "--runs", "3",
        "--faults", "executor,datanode,two-runs", "--work", WORK.toString());
    assertThat(run.code()).as("chaos.sh exit code; stdout:\n%s\nstderr:\n%s", run.out(), run.err()).isZero();

    JsonNode result = ModelStore.JSON.readTree(WORK.resolve("chaos.json").toFile());
    assertThat(result.get("injected").asInt()).as("faults injected; %s", run.out()).isEqualTo(3);
    assertThat(result.get("kinds").asInt()).isEqualTo(3);
    assertThat(result.get("survived").asInt()).as(run.out()).isEqualTo(3);
    assertThat(result.get("lostOrCorrupt").asInt()).as(run.out()).isZero();
    assertThat(run.out()).contains("faults injected: 3 of 3 (3 kinds), survived: 3, outputs lost or corrupt: 0");
  }
}
