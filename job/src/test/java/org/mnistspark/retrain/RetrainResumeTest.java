package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.retrain.RetrainIntegrationTest.JSON;
import static org.mnistspark.retrain.RetrainIntegrationTest.assertTidy;
import static org.mnistspark.retrain.RetrainIntegrationTest.history;
import static org.mnistspark.retrain.RetrainIntegrationTest.names;
import static org.mnistspark.retrain.RetrainIntegrationTest.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.ChildJvm;
import org.mnistspark.cli.CliRun;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.output.Checkpoint;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputLock;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.ModelState;
import org.mnistspark.train.ProgressState;
import org.mnistspark.train.TrainingState;

/**
 * A retrain whose process dies while its candidate trains leaves the candidate's checkpoints in
 * runs/RUN.checkpoints; the next retrain continues that candidate when its options and data are
 * the same, and otherwise trains from scratch and deletes them.
 */
class RetrainResumeTest {
  static final String MNIST = RealMnist.DIR;
  /** 2,400 training images, 8 averaging rounds and 4 checks per epoch. */
  static final List<String> CANDIDATE = List.of("--train-limit", "3000", "--epochs", "3", "--batch-size-per-worker", "16",
      "--averaging-frequency", "10", "--floor", "0.5");
  @TempDir static Path shared;
  static Path data;

  @TempDir Path tmp;

  @BeforeAll
  static void mnist() throws Exception {
    RealMnist.dir();
    data = RealMnist.withTestImages(shared.resolve("mnist-2000"), RetrainIntegrationTest.TEST_IMAGES);
  }

  @Test
  void aCandidateKilledInItsSecondEpochIsContinuedByTheNextRetrain() throws Exception {
    Path root = tmp.resolve("root");
    Path log = tmp.resolve("child.log");
    List<String> args = new ArrayList<>(List.of("retrain", "--root", root.toString(), "--master", "local[2]", "--data",
        data.toString()));
    args.addAll(CANDIDATE);
    Process child = ChildJvm.startJob(log, List.of(), args.toArray(String[]::new));
    String killed;
    try {
      ChildJvm.waitForLine(child, log, "epoch 1.25: validation accuracy", 300);
      killed = JSON.readValue(root.resolve(RetrainRoot.LOCK).toFile(), LeaseLock.Holder.class).run();
    } finally {
      assertThat(ChildJvm.kill(child)).isEqualTo(128 + 9);
    }
    // the killed candidate's lock stays until the next retrain, which took over its process's, removes it
    assertThat(names(root.resolve(RetrainRoot.RUNS))).containsExactly(killed + Checkpoints.SUFFIX,
        killed + OutputLock.SUFFIX);

    CliRun next = retrain(root, data, CANDIDATE.toArray(String[]::new));

    assertThat(next.exitCode()).as("exit code; stderr %s", next.err()).isEqualTo(RetrainCommand.PROMOTED);
    List<HistoryEntry> history = history(root);
    assertThat(history).extracting(HistoryEntry::decision).containsExactly(History.FAILED, History.PROMOTED);
    assertThat(history.get(0).run()).isEqualTo(killed);
    String candidate = history.get(1).run();
    JsonNode m = ModelStore.JSON.readTree(root.resolve(RetrainRoot.RUNS).resolve(candidate).resolve(ModelStore.METRICS).toFile());
    assertThat(m.at("/resumedFrom/epoch").asInt()).isEqualTo(1);
    assertThat(m.at("/resumedFrom/checkpoint").asText()).endsWith("/runs/" + killed + ".checkpoints/epoch-0001");
    assertThat(m.at("/epochs")).hasSize(3);
    assertThat(m.at("/test/accuracy").asDouble()).isGreaterThan(0.9);
    // the killed candidate's checkpoints and the new one's are gone
    assertTidy(root, candidate, candidate);
  }

  @Test
  void anInterruptedCandidateWithOtherOptionsIsNotContinuedAndItsCheckpointsGo() throws Exception {
    Path root = tmp.resolve("root");
    RetrainRoot.open(root.toString(), new Configuration());
    String interrupted = "20260101T000000Z";
    Path out = root.resolve(RetrainRoot.RUNS).resolve(interrupted);
    // a checkpoint of a candidate with another learning rate, as a retrain killed after epoch 1 leaves it
    JobConfig config = JobConfig.load(null, Map.of("master", "local[2]", "train-limit", 2000, "epochs", 1,
        "data", data.toString(), "out", out.toString(), "learning-rate", 0.001));
    MnistData mnist = new MnistLoader(new Configuration()).load(data.toString());
    TrainingState state = new TrainingState(1, ModelState.of(LeNet.network(config, 1)), null,
        new ProgressState(List.of(), List.of(), 0, 1600, null, null));
    Checkpoints.beside(out.toString(), new Configuration()).write(new Checkpoint(config.asMap(), mnist.files(),
        PixelScaler.minmax(), 2, List.of(), state), 2);

    CliRun next = retrain(root, data, "--train-limit", "2000", "--floor", "0.5");

    assertThat(next.exitCode()).as("exit code; stderr %s", next.err()).isEqualTo(RetrainCommand.PROMOTED);
    String candidate = history(root).get(0).run();
    JsonNode m = ModelStore.JSON.readTree(root.resolve(RetrainRoot.RUNS).resolve(candidate).resolve(ModelStore.METRICS).toFile());
    assertThat(m.has("resumedFrom")).isTrue();
    assertThat(m.get("resumedFrom").isNull()).as("trained from scratch").isTrue();
    assertTidy(root, candidate, candidate);
    assertThat(Files.exists(root.resolve(RetrainRoot.RUNS).resolve(interrupted + Checkpoints.SUFFIX))).isFalse();
  }
}
