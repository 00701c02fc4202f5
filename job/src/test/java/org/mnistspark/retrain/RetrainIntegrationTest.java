package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.ChildJvm;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.IdxBytes;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.StoredModelCheck;

/**
 * The retrain command end to end on local[2] and real MNIST: the first run, a worse candidate, a
 * changed test set, a failing run, and a second process that is locked out and then killed. To
 * stay fast, every run trains on at most 2000 images for one epoch and tests on the first 2000 of
 * MNIST's test images (a real, smaller test set).
 */
class RetrainIntegrationTest {
  static final String MNIST = RealMnist.DIR;
  static final int TEST_IMAGES = 2000;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  /** Real MNIST training files with the first 2000 test images. */
  static Path data;
  /** A root after one promoted run, copied by each test that needs a production model. */
  static Path template;
  static CliRun first;
  static String firstRun;

  @TempDir Path tmp;

  @BeforeAll
  static void firstRun() throws Exception {
    RealMnist.dir();
    data = RealMnist.withTestImages(shared.resolve("mnist-2000"), TEST_IMAGES);
    template = shared.resolve("template");
    first = retrain(template, data, "--train-limit", "2000", "--floor", "0.5");
    firstRun = new String(Files.readAllBytes(template.resolve(RetrainRoot.PRODUCTION))).trim();
  }

  /** Runs the retrain command in this JVM on local[2], one epoch unless {@code options} say otherwise. */
  static CliRun retrain(Path root, Path dataDir, String... options) {
    List<String> args = new ArrayList<>(List.of("retrain", "--root", root.toString(), "--master", "local[2]",
        "--data", dataDir.toString()));
    if (!Arrays.asList(options).contains("--epochs")) {
      args.addAll(List.of("--epochs", "1"));
    }
    args.addAll(Arrays.asList(options));
    return CliRun.execute(args);
  }

  static Path copyOfTemplate(Path to) throws IOException {
    try (Stream<Path> s = Files.walk(template)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(template.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  static List<HistoryEntry> history(Path root) throws IOException {
    List<HistoryEntry> entries = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve(RetrainRoot.HISTORY))) {
      entries.add(JSON.readValue(line, HistoryEntry.class));
    }
    return entries;
  }

  static String production(Path root) throws IOException {
    return Files.readString(root.resolve(RetrainRoot.PRODUCTION));
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static double recordedAccuracy(Path root, String run) throws IOException {
    return JSON.readTree(root.resolve("runs").resolve(run).resolve(ModelStore.METRICS).toFile()).at("/test/accuracy").asDouble();
  }

  /** The root holds exactly these runs, production names one of them, and nothing half-written or locked remains. */
  static void assertTidy(Path root, String production, String... runs) throws IOException {
    assertThat(production(root)).isEqualTo(production + "\n");
    assertThat(names(root.resolve("runs"))).containsExactlyInAnyOrder(runs);
    assertThat(names(root)).containsExactly(RetrainRoot.HISTORY, OutputFolder.MANIFEST, RetrainRoot.PRODUCTION,
        RetrainRoot.RUNS);
    for (String run : runs) {
      assertThat(names(root.resolve("runs").resolve(run)))
          .containsExactlyInAnyOrderElementsOf(org.mnistspark.output.RunFiles.all());
    }
  }

  @Test
  void firstRunPromotes() throws Exception {
    assertThat(first.exitCode()).as("exit code; stderr %s", first.err()).isEqualTo(RetrainCommand.PROMOTED).isZero();
    assertThat(RunName.isRunName(firstRun)).as(firstRun).isTrue();
    assertTidy(template, firstRun, firstRun);

    List<HistoryEntry> history = history(template);
    assertThat(history).hasSize(1);
    HistoryEntry line = history.get(0);
    assertThat(line.run()).isEqualTo(firstRun);
    assertThat(line.decision()).isEqualTo(History.PROMOTED);
    assertThat(line.accuracy()).isEqualTo(recordedAccuracy(template, firstRun)).isGreaterThan(0.5);
    assertThat(line.production()).isNull();
    assertThat(line.productionAccuracy()).isNull();
    assertThat(line.reason()).isEqualTo(String.format(java.util.Locale.ROOT,
        "no usable production model; candidate accuracy %.4f meets the floor 0.5000", line.accuracy()));
    assertThat(first.out()).isEqualTo("retrain: promoted " + firstRun + " (production: " + firstRun + "): "
        + line.reason() + "\n");
    // the candidate was evaluated on the test set it was given
    assertThat(JSON.readTree(template.resolve("runs").resolve(firstRun).resolve(ModelStore.METRICS).toFile())
        .at("/test/examples").asInt()).isEqualTo(TEST_IMAGES);
  }

  @Test
  void firstRunBelowTheFloorIsKeptAndLeavesNoProduction() throws Exception {
    Path root = tmp.resolve("root");
    CliRun r = retrain(root, data, "--train-limit", "200", "--floor", "0.99");

    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(RetrainCommand.KEPT).isEqualTo(3);
    assertThat(root.resolve(RetrainRoot.PRODUCTION)).doesNotExist();
    List<HistoryEntry> history = history(root);
    assertThat(history).hasSize(1);
    assertThat(history.get(0).decision()).isEqualTo(History.KEPT);
    assertThat(history.get(0).accuracy()).isLessThan(0.99);
    assertThat(history.get(0).reason()).startsWith("no usable production model; candidate accuracy ")
        .endsWith(" is below the floor 0.9900");
    // the refused candidate stays for inspection
    assertThat(names(root.resolve("runs"))).containsExactly(history.get(0).run());
  }

  @Test
  void worseCandidateIsKeptOutAndRetentionKeepsProduction() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    // older runs, what a run that died while saving leaves behind, and a folder someone else put there
    copyRun(root, firstRun, "20200101T000000Z");
    copyRun(root, firstRun, "20200102T000000Z");
    Files.createDirectories(root.resolve("runs/.20200103T000000Z.tmp-0b7c5d2e-1f3a-4b6c-9d8e-7f6a5b4c3d2e"));
    Path foreign = Files.createDirectories(root.resolve("runs/20200104T000000Z"));
    Files.writeString(foreign.resolve("notes.txt"), "not the job's");
    byte[] productionBefore = Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION));

    CliRun r = retrain(root, data, "--train-limit", "200", "--tolerance", "0.01", "--floor", "0.1", "--keep-runs", "1");

    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(RetrainCommand.KEPT);
    assertThat(Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION))).isEqualTo(productionBefore);
    List<HistoryEntry> history = history(root);
    assertThat(history).hasSize(2);
    assertThat(history.get(0)).isEqualTo(history(template).get(0));
    HistoryEntry kept = history.get(1);
    assertThat(kept.decision()).isEqualTo(History.KEPT);
    assertThat(kept.production()).isEqualTo(firstRun);
    // same test files: production's recorded accuracy is the comparison
    assertThat(kept.productionAccuracy()).isEqualTo(recordedAccuracy(root, firstRun));
    assertThat(kept.accuracy()).isEqualTo(recordedAccuracy(root, kept.run()))
        .as("the premise: 200 training images do worse than 2000").isLessThan(kept.productionAccuracy() - 0.01);
    assertThat(kept.reason()).contains(" is below production's ")
        .endsWith("; production's accuracy as recorded in its metrics.json (same test files by SHA-256)");
    assertThat(r.out()).startsWith("retrain: kept " + kept.run() + " (production: " + firstRun + "): ");
    // keep-runs 1: the newest run and production survive; older runs go, and the folder the job did
    // not write stays, as does the half-written one, whose writer no lock says has stopped
    assertThat(foreign.resolve("notes.txt")).hasContent("not the job's");
    org.apache.commons.io.FileUtils.deleteDirectory(foreign.toFile());
    Files.delete(root.resolve("runs/.20200103T000000Z.tmp-0b7c5d2e-1f3a-4b6c-9d8e-7f6a5b4c3d2e"));
    assertTidy(root, firstRun, firstRun, kept.run());
  }

  static void copyRun(Path root, String run, String as) throws IOException {
    org.apache.commons.io.FileUtils.copyDirectory(root.resolve("runs").resolve(run).toFile(),
        root.resolve("runs").resolve(as).toFile());
  }

  @Test
  void retentionNeverDeletesThePreviousProduction() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    copyRun(root, firstRun, "20200101T000000Z");

    // promoted whatever its accuracy, so firstRun becomes the previous production
    CliRun r = retrain(root, data, "--train-limit", "200", "--tolerance", "0.99", "--floor", "0", "--keep-runs", "1");

    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(RetrainCommand.PROMOTED);
    String promoted = history(root).get(1).run();
    assertTidy(root, promoted, firstRun, promoted);
  }

  @Test
  void anUnreadableHistoryLineLetsRetentionDeleteNothing() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    copyRun(root, firstRun, "20200101T000000Z");
    // a line cut short: it might have recorded the previous production
    Files.writeString(root.resolve(RetrainRoot.HISTORY), "{\"time\":\"2026-11-25T02:00:00Z\",\"run\":\"2026\n",
        java.nio.file.StandardOpenOption.APPEND);

    CliRun r = retrain(root, data, "--train-limit", "200", "--tolerance", "0.99", "--floor", "0", "--keep-runs", "1");

    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(RetrainCommand.PROMOTED);
    String promoted = history(root, 1).run();
    // keep-runs 1 would have deleted 20200101T000000Z
    assertThat(names(root.resolve("runs"))).containsExactlyInAnyOrder("20200101T000000Z", firstRun, promoted);
    assertThat(production(root)).isEqualTo(promoted + "\n");
  }

  /** The {@code i}th line of history that is an entry. */
  static HistoryEntry history(Path root, int i) throws IOException {
    return new History(RetrainRoot.open(root.toString(), new Configuration())).read().get(i);
  }

  @Test
  void anUnreadableProductionFailsTheRunAndStaysProduction() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    Path model = root.resolve("runs").resolve(firstRun).resolve(ModelStore.MODEL);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    byte[] productionBefore = Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION));

    // a floor any candidate meets: with production counted as missing, it would be promoted
    CliRun r = retrain(root, data, "--train-limit", "200", "--floor", "0");

    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(MnistJob.FAILED);
    assertThat(Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION))).isEqualTo(productionBefore);
    HistoryEntry failed = history(root).get(1);
    assertThat(failed.decision()).isEqualTo(History.FAILED);
    assertThat(failed.production()).isEqualTo(firstRun);
    assertThat(failed.reason()).contains("production run " + firstRun + " cannot be read (")
        .contains(ModelStore.MODEL + " is not what was written there (SHA-256 ")
        .contains("production is left as it is");
    assertThat(r.err()).contains("production run " + firstRun + " cannot be read");
  }

  @Test
  void productionIsReevaluatedWhenTheTestFilesDiffer() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    Path otherTestSet = RealMnist.withTestImages(tmp.resolve("mnist-1000"), 1000);

    CliRun r = retrain(root, otherTestSet, "--train-limit", "200", "--tolerance", "0", "--floor", "0.1");

    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(RetrainCommand.KEPT);
    HistoryEntry kept = history(root).get(1);
    assertThat(kept.reason())
        .endsWith("; production's accuracy re-evaluated on the candidate's test set (its test files differ by SHA-256)");
    // what production's stored model and scaler score on the 1000 images, computed here independently
    assertThat(kept.productionAccuracy()).isEqualTo(accuracyOfStoredModel(root, firstRun, otherTestSet));
    assertThat(JSON.readTree(root.resolve("runs").resolve(kept.run()).resolve(ModelStore.METRICS).toFile())
        .at("/test/examples").asInt()).isEqualTo(1000);
    assertThat(production(root)).isEqualTo(firstRun + "\n");
  }

  /** Raw test pixels through the model's stored normalizer, as an inference service would do it. */
  static double accuracyOfStoredModel(Path root, String run, Path dataDir) throws IOException {
    ModelStore.Loaded loaded = new ModelStore(new Configuration())
        .load(root.resolve("runs").resolve(run).resolve(ModelStore.MODEL).toString());
    var test = new MnistLoader(new Configuration()).load(dataDir.toString()).test();
    return StoredModelCheck.evaluate(loaded, test, 100).accuracy();
  }

  @Test
  void failingRunLeavesProductionAndRecordsTheFailure() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    // valid IDX files whose training pixels are all 0: standardizing them is refused before Spark starts
    Path zeros = Files.createDirectories(tmp.resolve("zeros"));
    Files.write(zeros.resolve(MnistLoader.TRAIN_IMAGES), IdxBytes.images(new byte[100 * 784]));
    Files.write(zeros.resolve(MnistLoader.TRAIN_LABELS), IdxBytes.labels(new byte[100]));
    Files.write(zeros.resolve(MnistLoader.TEST_IMAGES), IdxBytes.images(new byte[10 * 784]));
    Files.write(zeros.resolve(MnistLoader.TEST_LABELS), IdxBytes.labels(new byte[10]));
    byte[] productionBefore = Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION));

    CliRun r = retrain(root, zeros, "--scaling", "standardize");

    String refusal = "Invalid value 'standardize' for option '--scaling': every pixel of the 80 images for training in "
        + "file:" + zeros.resolve(MnistLoader.TRAIN_IMAGES) + " is 0, so their standard deviation, which standardizing "
        + "divides by, is 0 (use minmax or none)";
    assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: " + refusal + "\n");
    r.assertSparkNotStarted();
    assertThat(Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION))).isEqualTo(productionBefore);
    List<HistoryEntry> history = history(root);
    assertThat(history).hasSize(2);
    HistoryEntry failed = history.get(1);
    assertThat(failed.decision()).isEqualTo(History.FAILED);
    assertThat(RunName.isRunName(failed.run())).isTrue();
    assertThat(failed.accuracy()).isNull();
    assertThat(failed.production()).isEqualTo(firstRun);
    assertThat(failed.reason()).isEqualTo("bad input: " + refusal);
    assertTidy(root, firstRun, firstRun);
  }

  @Test
  void missingDataIsBadInputAndRecorded() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    CliRun r = retrain(root, tmp.resolve("no-such-data"));
    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: " + tmp.resolve("no-such-data")
        + ": no such data folder (run submit/fetch-mnist.sh, or pass --data)\n");
    r.assertSparkNotStarted();
    HistoryEntry failed = history(root).get(1);
    assertThat(failed.decision()).isEqualTo(History.FAILED);
    assertThat(failed.reason()).startsWith("bad input: " + tmp.resolve("no-such-data") + ": no such data folder");
    assertTidy(root, firstRun, firstRun);
  }

  @Test
  void secondProcessIsLockedOutAndAKilledRunIsRecoveredByTheNext() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    List<HistoryEntry> historyBefore = history(root);
    Path log = tmp.resolve("child.log");

    // Another retrain, in its own JVM, long enough to be killed mid-run.
    Process child = startRetrainProcess(log, "--root", root.toString(), "--master", "local[2]", "--data", data.toString(),
        "--train-limit", "6000", "--epochs", "5", "--floor", "0.1");
    try {
      waitForLine(child, log, "started: master local[2]");
      LeaseLock.Holder holder = JSON.readValue(root.resolve(RetrainRoot.LOCK).toFile(), LeaseLock.Holder.class);
      assertThat(holder.process().pid()).isEqualTo(child.pid());
      assertThat(holder.process().pidNamespace()).isEqualTo(ProcessIdentity.SELF.pidNamespace());

      // A second retrain on the same root meanwhile is turned away at once.
      CliRun locked = retrain(root, data, "--train-limit", "200");
      assertThat(locked.exitCode()).as("exit code; stderr %s", locked.err()).isEqualTo(RetrainCommand.LOCKED).isEqualTo(4);
      // (the lease's end moves on with every renewal)
      assertThat(locked.err()).startsWith("mnist-job: " + "file:" + root.resolve(RetrainRoot.LOCK)
          + ": another retrain holds the lock (run " + holder.run() + ", process " + child.pid() + " on "
          + holder.process().host() + ", started " + holder.started() + ", lease until ").endsWith(")\n");
      assertThat(locked.out()).isEmpty();

      // Kill the first one mid-training: production and history are as before, the lock is left.
      assertThat(child.isAlive()).as("still training when killed; log:\n%s", Files.readString(log)).isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(log)).doesNotContain("saved model.zip");
      assertThat(production(root)).isEqualTo(firstRun + "\n");
      assertThat(history(root)).isEqualTo(historyBefore);
      assertThat(root.resolve(RetrainRoot.LOCK)).exists();

      // The next retrain takes over the stale lock, records the dead run, and goes on (here: promotes).
      CliRun next = retrain(root, data, "--train-limit", "200", "--tolerance", "0.99", "--floor", "0.1",
          "--keep-runs", "1");
      assertThat(next.exitCode()).as("exit code; stderr %s", next.err()).isEqualTo(RetrainCommand.PROMOTED);
      List<HistoryEntry> history = history(root);
      assertThat(history).hasSize(3);
      assertThat(history.subList(0, 1)).isEqualTo(historyBefore);
      HistoryEntry dead = history.get(1);
      assertThat(dead.run()).isEqualTo(holder.run());
      assertThat(dead.decision()).isEqualTo(History.FAILED);
      assertThat(dead.production()).isEqualTo(firstRun);
      assertThat(dead.reason()).isEqualTo("its process (" + child.pid() + " on " + holder.process().host()
          + ", started " + holder.started() + ") stopped before finishing; its lock was found stale");
      HistoryEntry promoted = history.get(2);
      assertThat(promoted.decision()).isEqualTo(History.PROMOTED);
      assertThat(promoted.production()).isEqualTo(firstRun);
      assertThat(promoted.run()).isNotEqualTo(holder.run());
      // production moved on; keep-runs 1 keeps the demoted run, as the previous production
      assertTidy(root, promoted.run(), firstRun, promoted.run());
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void timeoutEndsARunWithAFailedLineAndLeavesProduction() throws Exception {
    Path root = copyOfTemplate(tmp.resolve("root"));
    byte[] productionBefore = Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION));
    Path log = tmp.resolve("child.log");

    // its own JVM, since the watchdog ends the process
    Process child = startRetrainProcess(log, "--root", root.toString(), "--master", "local[2]", "--data", data.toString(),
        "--train-limit", "2000", "--epochs", "5", "--floor", "0.1", "--timeout", "1");
    try {
      assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("ended; log:\n%s", Files.readString(log)).isTrue();
      assertThat(child.exitValue()).as("exit code; log:\n%s", Files.readString(log)).isEqualTo(MnistJob.FAILED);
    } finally {
      child.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("mnist-job: timed out after 1 s; production unchanged")
        .doesNotContain("saved model.zip");
    assertThat(Files.readAllBytes(root.resolve(RetrainRoot.PRODUCTION))).isEqualTo(productionBefore);
    List<HistoryEntry> history = history(root);
    assertThat(history).hasSize(2);
    HistoryEntry failed = history.get(1);
    assertThat(failed.decision()).isEqualTo(History.FAILED);
    assertThat(failed.reason()).isEqualTo("timed out after 1 s");
    assertThat(RunName.isRunName(failed.run())).as(failed.run()).isTrue();
    assertThat(failed.production()).isEqualTo(firstRun);
    // the lock was released: nothing for the next run to take over
    assertTidy(root, firstRun, firstRun);
  }

  /** Starts {@code mnist-job retrain ARGS} in a new JVM with this test's classpath, output to {@code log}. */
  static Process startRetrainProcess(Path log, String... args) throws IOException {
    List<String> retrain = new ArrayList<>(List.of("retrain"));
    retrain.addAll(Arrays.asList(args));
    return ChildJvm.startJob(log, List.of(), retrain.toArray(String[]::new));
  }

  static void waitForLine(Process p, Path log, String text) throws Exception {
    ChildJvm.waitForLine(p, log, text, 180);
  }
}
