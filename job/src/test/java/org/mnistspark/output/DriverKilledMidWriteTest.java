package org.mnistspark.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.ChildJvm;
import org.mnistspark.data.RealMnist;
import org.mnistspark.report.RunReport;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.LeNet;

/**
 * kill -9 of a real driver JVM while it writes model.zip. The driver runs the train command on
 * local[2]; its local file system ({@link StallingLocalFileSystem}) stops inside model.zip after
 * 64 KiB, so the kill lands mid-write every time rather than by luck of timing. What is tested:
 * ModelStore's temp-folder-then-rename against a crash while the temp folder is being written. Not
 * tested: a crash between the two renames that replace an existing output (see docs/operating.md, Faults).
 */
class DriverKilledMidWriteTest {
  static final String MNIST = RealMnist.DIR;

  @TempDir Path tmp;

  @Test
  void killDuringModelZipLeavesThePreviousOutputWholeAndOnlyAHiddenPartialSibling() throws Exception {
    RealMnist.dir();
    Path out = tmp.resolve("run");
    ModelStore store = new ModelStore(new Configuration());
    // A complete earlier run at --out.
    MultiLayerNetwork previous = new MultiLayerNetwork(LeNet.configuration(7, 1e-3));
    previous.init();
    PixelScaler minmax = PixelScaler.minmax();
    RunMetrics previousMetrics = ModelStoreTest.metrics(minmax);
    store.save(store.folder("--out", out.toString()), previous, minmax.toNormalizer(), previousMetrics, "previous run",
        RunReport.files(previousMetrics));

    // A new run of the driver, killed while it writes model.zip.
    Path marker = tmp.resolve("stalled");
    Path log = tmp.resolve("driver.log");
    Process driver = startDriver(out, marker, log);
    try {
      ChildJvm.waitForFile(driver, log, marker, 240);
    } finally {
      assertThat(ChildJvm.kill(driver)).as("killed by SIGKILL").isEqualTo(128 + 9);
    }
    assertThat(ChildJvm.read(log)).contains("TrainCommand: test: TestMetrics{");

    // --out still holds the earlier run, whole: all its files, its metrics, its loadable model.
    assertThat(names(out)).containsExactlyInAnyOrderElementsOf(RunFiles.all());
    assertThat(store.readMetrics(out.toString()).finishedAt()).isEqualTo(previousMetrics.finishedAt());
    assertThat(Files.readString(out.resolve(ModelStore.EVALUATION))).isEqualTo("previous run");
    assertThat(store.load(out.resolve(ModelStore.MODEL).toString()).network().params()).isEqualTo(previous.params());

    // The half-written model sits only in a hidden sibling, as the kill left it.
    List<String> siblings = names(tmp);
    // and the checkpoint after the run's only epoch, from which --resume would finish it, and the
    // killed run's lock, which the next run on --out takes over (its process is gone)
    assertThat(siblings).containsExactlyInAnyOrder("run", "run.checkpoints", "run" + OutputLock.SUFFIX, "stalled",
        "driver.log", only(siblings, ".run.tmp-"));
    Path partial = tmp.resolve(only(siblings, ".run.tmp-"));
    assertThat(names(partial)).containsExactly(ModelStore.MODEL);
    assertThat(Files.size(partial.resolve(ModelStore.MODEL))).isEqualTo(StallingLocalFileSystem.STALL_AFTER);
    assertThatThrownBy(() -> store.load(partial.resolve(ModelStore.MODEL).toString()))
        .hasMessageContaining("has no manifest.json");
  }

  /** The train command in its own JVM (this test's classpath and Java 17 flags). */
  private static Process startDriver(Path out, Path marker, Path log) throws Exception {
    return ChildJvm.startJob(log, List.of("-Dspark.hadoop.fs.file.impl=" + StallingLocalFileSystem.class.getName(),
        "-Dstall.marker=" + marker), "train", "--master", "local[2]", "--data", MNIST, "--out", out.toString(),
        "--train-limit", "1000", "--epochs", "1");
  }

  private static String only(List<String> names, String prefix) {
    List<String> matching = names.stream().filter(n -> n.startsWith(prefix)).toList();
    assertThat(matching).as("entries starting with %s in %s", prefix, names).hasSize(1);
    return matching.get(0);
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
