package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.data.RealMnist;
import org.mnistspark.MiniHdfs;
import org.mnistspark.cli.CliRun;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.LockHooks;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;

/**
 * The retraining folder on a real HDFS (MiniDFSCluster: a NameNode and a DataNode on loopback, in
 * this JVM), where replacing goes through FileContext.rename(OVERWRITE) and exclusive creation
 * through rename without overwrite; then one whole retrain with its root on HDFS.
 */
class RetrainHdfsTest {
  @TempDir static Path tmp;
  static MiniHdfs hdfs;
  static FileSystem fs;
  static String uri;

  @BeforeAll
  static void startHdfs() throws Exception {
    // closing a file waits for the DataNode's block report, retried after 400 ms at first: 100
    // appends (two small files each) would take most of a minute
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"),
        conf -> conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20));
    fs = hdfs.fs();
    uri = hdfs.uri();
  }

  @AfterAll
  static void stopHdfs() throws Exception {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  private static RetrainRoot open(String name) throws Exception {
    return RetrainRoot.open(uri + "/" + name, hdfs.cluster().getConfiguration(0));
  }

  private static List<String> names(org.apache.hadoop.fs.Path dir) throws Exception {
    return Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath).map(org.apache.hadoop.fs.Path::getName).sorted().toList();
  }

  @Test
  void productionIsReplacedInPlaceAndHistoryAppends() throws Exception {
    RetrainRoot root = open("files");
    assertThat(root.root().toString()).startsWith("hdfs://");
    root.setProduction("20261125T093000Z");
    root.setProduction("20261126T093000Z");
    assertThat(root.productionRun()).contains("20261126T093000Z");

    History history = new History(root);
    history.append(HistoryEntry.now("20261125T093000Z", 0.97, null, null, History.PROMOTED, "first"));
    history.append(HistoryEntry.now("20261126T093000Z", 0.98, "20261125T093000Z", 0.97, History.PROMOTED, "second"));
    assertThat(history.read()).extracting(HistoryEntry::reason).containsExactly("first", "second");
    assertThat(names(root.root())).containsExactly(RetrainRoot.HISTORY, OutputFolder.MANIFEST, RetrainRoot.PRODUCTION, RetrainRoot.RUNS);
    assertThat(root.move(root.root().suffix("/absent"), root.root().suffix("/elsewhere"))).isFalse();
  }

  @Test
  void createExclusivelyLetsExactlyOneWin() throws Exception {
    RetrainRoot root = open("exclusive");
    assertThat(RetrainRootTest.racingExclusiveCreates(root, 6)).isEqualTo(1);
    assertThat(root.read(root.lock()).orElseThrow()).startsWith("writer ");
    assertThat(names(root.root())).containsExactly(OutputFolder.MANIFEST, RetrainRoot.LOCK, RetrainRoot.RUNS);
  }

  @Test
  void lockIsExclusiveAndAStaleOneIsTakenOver() throws Exception {
    RetrainRoot root = open("lock");
    Duration lease = Duration.ofSeconds(60);
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", Duration.ZERO, lease)) {
      assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", Duration.ZERO, lease))
          .isInstanceOf(LeaseLock.LockedException.class).hasMessageStartingWith(root.lock() + ": another retrain holds");
    }
    assertThat(fs.exists(root.lock())).isFalse();

    LeaseLock.Holder dead = RetrainLockTest.holder(RetrainLockTest.here(RetrainLockTest.deadPid(), null),
        "20261125T020000Z", Duration.ofHours(1));
    try (OutputStream o = fs.create(root.lock(), false)) {
      o.write(new ObjectMapper().writeValueAsString(dead).getBytes(StandardCharsets.UTF_8));
    }
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093002Z", Duration.ZERO, lease)) {
      assertThat(lock.takenOver().orElseThrow().holder()).isEqualTo(dead);
    }
    assertThat(names(root.root())).containsExactly(OutputFolder.MANIFEST, RetrainRoot.RUNS);

    RetrainLockTest.contendersTakeOverOnce(root, 3);
    assertThat(names(root.root())).containsExactly(OutputFolder.MANIFEST, RetrainRoot.RUNS);
  }

  @Test
  void renewedLeaseHoldsAndAHungHoldersLeaseRunsOut() throws Exception {
    RetrainRoot root = open("lease");
    Duration lease = Duration.ofSeconds(2);
    LeaseLock hung = RetrainLock.acquire(root, "20261125T093000Z", Duration.ZERO, lease);
    // renewed through FileContext.rename(OVERWRITE): live past three leases
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(6), lease))
        .isInstanceOf(LeaseLock.LockedException.class);
    hung.checkHeld();

    LockHooks.stopRenewing(hung);
    try (LeaseLock next = RetrainLock.acquire(root, "20261125T093002Z", Duration.ofSeconds(10), lease)) {
      assertThat(next.takenOver().orElseThrow().holder().run()).isEqualTo("20261125T093000Z");
      assertThatThrownBy(hung::checkHeld).hasMessageStartingWith("lost the retrain lock: its lease expired at ");
      hung.close();
      next.checkHeld();
    }
    assertThat(names(root.root())).containsExactly(OutputFolder.MANIFEST, RetrainRoot.RUNS);
  }

  @Test
  void historyAppendsFromTwoWritersAtOnceKeepEveryLine() throws Exception {
    RetrainRoot root = open("history");
    assertThat(HistoryTest.appendConcurrently(root, 2, 50)).hasSize(100)
        .containsExactlyInAnyOrderElementsOf(HistoryTest.expected(2, 50));
    assertThat(names(root.root())).containsExactly(RetrainRoot.HISTORY, OutputFolder.MANIFEST, RetrainRoot.RUNS);
  }

  @Test
  void removeIfUnchangedRenamesToATombstone() throws Exception {
    RetrainRoot root = open("tomb");
    RetrainRootTest.removeIfUnchangedRemovesOnlyWhatWasJudged(root);
    assertThat(names(root.root())).containsExactly(OutputFolder.MANIFEST, RetrainRoot.RUNS);
  }

  @Test
  void swapsOnHdfsReplaceAndDeleteOnlyWhatTheyExpect() throws Exception {
    RetrainRoot root = open("swap");
    RetrainRootTest.swapsReplaceAndDeleteOnlyWhatTheyExpect(root);
    assertThat(names(root.root())).containsExactly(OutputFolder.MANIFEST, RetrainRoot.RUNS);
  }

  @Test
  void aProductionFileThatDoesNotNameARunIsAnErrorOnHdfs() throws Exception {
    RetrainRoot root = open("pointer");
    try (OutputStream o = fs.create(root.production())) {
      o.write(new byte[0]);
    }
    assertThatThrownBy(root::productionRun).isInstanceOf(RetrainRoot.ProductionPointerException.class)
        .hasMessageStartingWith(root.production() + " is empty (0 characters");
    root.setProduction("20261125T093000Z");
    assertThat(root.productionRun()).contains("20261125T093000Z");
  }

  @Test
  void retrainWithItsRootOnHdfs() throws Exception {
    Path data = RealMnist.withTestImages(tmp.resolve("mnist-1000"), 1000);
    String root = uri + "/models/mnist";
    // the root's parent must exist, as for --out
    hdfs.fs().mkdirs(new org.apache.hadoop.fs.Path(uri + "/models"));
    CliRun retrain = CliRun.execute("retrain", "--root", root, "--master", "local[2]", "--data", data.toString(),
        "--train-limit", "200", "--epochs", "1", "--floor", "0.1");

    assertThat(retrain.exitCode()).as("exit code; stderr %s", retrain.err()).isEqualTo(RetrainCommand.PROMOTED);
    RetrainRoot r = open("models/mnist");
    String run = r.productionRun().orElseThrow();
    assertThat(names(r.root())).containsExactly(RetrainRoot.HISTORY, OutputFolder.MANIFEST, RetrainRoot.PRODUCTION, RetrainRoot.RUNS);
    assertThat(names(r.runs())).containsExactly(run);
    assertThat(names(r.run(run))).containsExactlyElementsOf(org.mnistspark.output.RunFiles.sorted());
    List<HistoryEntry> history = new History(r).read();
    assertThat(history).hasSize(1);
    assertThat(history.get(0).run()).isEqualTo(run);
    assertThat(history.get(0).decision()).isEqualTo(History.PROMOTED);
    // the production model loads back from HDFS
    assertThat(new ModelStore(hdfs.cluster().getConfiguration(0)).load(r.run(run) + "/" + ModelStore.MODEL).network().numParams())
        .isPositive();
  }
}
