package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.StallingLocalFileSystem;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * kill -9 of a real driver JVM (the train command on local[2], real MNIST) during training, then
 * {@code train --resume} in this JVM: the resumed run ends with the uninterrupted run's model, bit
 * for bit, since the resident trainer's state after an epoch is all the next epoch reads. Killed
 * in epoch 3, it resumes from the checkpoint after epoch 2; killed while writing that checkpoint,
 * from the one after epoch 1, the half-written one never read.
 */
class DriverKilledMidTrainingTest {
  static final String MNIST = RealMnist.shortTestDir();
  /** 1,200 training images: 2 workers x 38 minibatches of 16, 4 averaging rounds per epoch, 4 checks (small: the test is about state, not accuracy). */
  static final List<String> RUN = List.of("--train-limit", "1500", "--epochs", "4", "--batch-size-per-worker", "16",
      "--averaging-frequency", "10", "--keep-best-validation", "true");
  @TempDir static Path shared;
  static Path uninterrupted;

  @TempDir Path tmp;

  @BeforeAll
  static void uninterruptedRun() {
    RealMnist.dir();
    uninterrupted = shared.resolve("uninterrupted");
    CliRun.succeeding(trainArgs(uninterrupted));
    assertThat(shared.resolve("uninterrupted.checkpoints")).as("deleted once the run finished").doesNotExist();
  }

  @Test
  void killedInEpochThreeAndResumedEndsWithTheUninterruptedModel() throws Exception {
    Path out = tmp.resolve("run");
    Path log = tmp.resolve("driver.log");
    Process driver = ChildJvm.startJob(log, List.of(), trainArgs(out, "--keep-checkpoints", "1"));
    try {
      // a check inside epoch 3: the checkpoint after epoch 2 is complete, epoch 3 half done
      ChildJvm.waitForLine(driver, log, "epoch 2.25: validation accuracy", 300);
    } finally {
      assertThat(ChildJvm.kill(driver)).as("killed by SIGKILL").isEqualTo(128 + 9);
    }
    assertThat(ChildJvm.read(log)).contains("checkpoint after epoch 1/4", "checkpoint after epoch 2/4")
        .doesNotContain("checkpoint after epoch 3/4");
    assertThat(out).doesNotExist();
    Path checkpoints = tmp.resolve("run.checkpoints");
    assertThat(names(checkpoints)).as("keep-checkpoints 1").containsExactly("epoch-0002", OutputFolder.MANIFEST);

    CliRun.succeeding(trainArgs(out, "--resume"));

    JsonNode m = metrics(out);
    assertThat(m.at("/resumedFrom/epoch").asInt()).isEqualTo(2);
    assertThat(m.at("/resumedFrom/checkpoint").asText()).endsWith("/run.checkpoints/epoch-0002");
    assertThat(m.at("/checkpoints/written").asInt()).as("after epochs 3 and 4").isEqualTo(2);
    assertSameResult(out, uninterrupted);
    assertThat(checkpoints).as("deleted once the run finished").doesNotExist();
  }

  @Test
  void killedWhileWritingACheckpointResumesFromTheOneBefore() throws Exception {
    Path out = tmp.resolve("run");
    Path log = tmp.resolve("driver.log");
    Path marker = tmp.resolve("stalled");
    Process driver = ChildJvm.startJob(log, List.of("-Dspark.hadoop.fs.file.impl=" + StallingLocalFileSystem.class.getName(),
        "-Dstall.marker=" + marker, "-Dstall.name=model-state.bin", "-Dstall.within=epoch-0002"), trainArgs(out));
    try {
      ChildJvm.waitForFile(driver, log, marker, 300);
    } finally {
      assertThat(ChildJvm.kill(driver)).as("killed by SIGKILL").isEqualTo(128 + 9);
    }
    Path checkpoints = tmp.resolve("run.checkpoints");
    List<String> names = names(checkpoints);
    assertThat(names).hasSize(3).contains("epoch-0001", OutputFolder.MANIFEST);
    Path partial = checkpoints.resolve(names.stream().filter(n -> n.startsWith(".epoch-0002.tmp-")).findFirst().orElseThrow());
    assertThat(names(partial)).containsExactly("model-state.bin");
    assertThat(Files.size(partial.resolve("model-state.bin"))).isEqualTo(StallingLocalFileSystem.STALL_AFTER);
    assertThat(Checkpoints.beside(out.toString(), new Configuration()).epochs()).containsExactly(1);

    CliRun.succeeding(trainArgs(out, "--resume"));

    assertThat(metrics(out).at("/resumedFrom/epoch").asInt()).isEqualTo(1);
    assertSameResult(out, uninterrupted);
    assertThat(checkpoints).as("deleted with the half-written one once the run finished").doesNotExist();
  }

  private static String[] trainArgs(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--master", "local[2]", "--data", MNIST, "--out", out.toString()));
    args.addAll(RUN);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** The same saved network (parameters and Adam's state, bit for bit) and the same test and validation results. */
  private static void assertSameResult(Path resumed, Path whole) throws Exception {
    JsonNode r = metrics(resumed);
    JsonNode w = metrics(whole);
    assertThat(r.at("/test/accuracy").asDouble()).isEqualTo(w.at("/test/accuracy").asDouble());
    assertThat(r.at("/test/confusionMatrix")).isEqualTo(w.at("/test/confusionMatrix"));
    assertThat(accuracies(r.at("/validationCurve"))).hasSize(16).isEqualTo(accuracies(w.at("/validationCurve")));
    assertThat(r.at("/keptValidationCheck/epoch")).isEqualTo(w.at("/keptValidationCheck/epoch"));
    assertThat(r.at("/epochs")).hasSize(4);
    assertThat(r.at("/mechanism")).as("probes at epochs 0, 1, 2 and 4, the earlier ones from the checkpoint").hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(r.at("/epochs/" + i + "/trainLoss")).isEqualTo(w.at("/epochs/" + i + "/trainLoss"));
      assertThat(r.at("/mechanism/" + i + "/layers")).isEqualTo(w.at("/mechanism/" + i + "/layers"));
    }
    ModelStore store = new ModelStore(new Configuration());
    var a = store.load(resumed.resolve(ModelStore.MODEL).toString()).network();
    var b = store.load(whole.resolve(ModelStore.MODEL).toString()).network();
    assertThat(a.params()).isEqualTo(b.params());
    INDArray adam = a.getUpdater().getStateViewArray();
    assertThat(adam).isEqualTo(b.getUpdater().getStateViewArray());
    assertThat(a.getIterationCount()).isEqualTo(b.getIterationCount());
  }

  private static List<Double> accuracies(JsonNode curve) {
    List<Double> out = new ArrayList<>();
    curve.forEach(p -> out.add(p.get("accuracy").asDouble()));
    return out;
  }

  private static JsonNode metrics(Path out) throws Exception {
    return ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
