package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.output.OutputFolder;

/** The state a stopped run leaves, and what the next run's recovery makes of it. */
class RecoveryTest {
  private static final String OLD = "20261124T020000Z";
  private static final String NEW = "20261125T020000Z";

  @TempDir Path tmp;
  private RetrainRoot root;
  private History history;

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.toString(), new Configuration());
    history = new History(root);
  }

  private static LeaseLock.Stale deadRun(String run) {
    ProcessIdentity process = new ProcessIdentity("host", "boot", "pid:[1]", 4242, null);
    return new LeaseLock.Stale(new LeaseLock.Holder(run, "t", process, "2026-11-25T02:00:00Z", 60,
        "2026-11-25T02:00:00Z", "2026-11-25T02:01:00Z"), "stopped before finishing");
  }

  private void promoted(String run) throws Exception {
    Files.createDirectories(tmp.resolve("runs").resolve(run));
    root.setProduction(run);
    history.append(HistoryEntry.now(run, 0.98, null, null, History.PROMOTED, "test"));
  }

  @Test
  void consistentFolderIsLeftAlone() throws Exception {
    promoted(OLD);
    String before = Files.readString(tmp.resolve(RetrainRoot.HISTORY));
    assertThat(Recovery.recover(root, history, Optional.empty())).isEmpty();
    assertThat(tmp.resolve(RetrainRoot.HISTORY)).hasContent(before);
    RetrainRoot empty = RetrainRoot.open(tmp.resolve("empty").toString(), new Configuration());
    assertThat(Recovery.recover(empty, new History(empty), Optional.empty())).isEmpty();
    assertThat(tmp.resolve("empty").toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, OutputFolder.MANIFEST);
  }

  @Test
  void runThatDiedTrainingGetsAFailedLineAndItsHalfWrittenFolderGoes() throws Exception {
    promoted(OLD);
    Files.createDirectories(tmp.resolve("runs/." + NEW + ".tmp-" + Temporaries.tokenOf(deadRun(NEW).holder().process())
        + "-00000001"));
    Files.writeString(tmp.resolve("runs/.notes.old-1"), "the operator's");

    List<HistoryEntry> added = Recovery.recover(root, history, Optional.of(deadRun(NEW)));

    assertThat(added).hasSize(1);
    HistoryEntry line = history.read().get(1);
    assertThat(line).isEqualTo(added.get(0));
    assertThat(line.run()).isEqualTo(NEW);
    assertThat(line.decision()).isEqualTo(History.FAILED);
    assertThat(line.production()).isEqualTo(OLD);
    assertThat(line.accuracy()).isNull();
    assertThat(line.reason()).isEqualTo(
        "its process (4242 on host, started 2026-11-25T02:00:00Z) stopped before finishing; its lock was found stale");
    assertThat(root.productionRun()).contains(OLD);
    assertThat(tmp.resolve("runs").toFile().list()).containsExactlyInAnyOrder(OLD, ".notes.old-1");
  }

  @Test
  void runThatDiedAfterPromotingIsRecordedAsProduction() throws Exception {
    promoted(OLD);
    Files.createDirectories(tmp.resolve("runs").resolve(NEW));
    root.setProduction(NEW); // the commit point, then the process died

    List<HistoryEntry> added = Recovery.recover(root, history, Optional.of(deadRun(NEW)));

    assertThat(added).extracting(HistoryEntry::decision).containsExactly(History.RECONCILED);
    HistoryEntry line = history.read().get(1);
    assertThat(line.run()).isEqualTo(NEW);
    assertThat(line.production()).isEqualTo(OLD);
    assertThat(line.reason()).isEqualTo("production names " + NEW + " but history last recorded " + OLD
        + "; its retrain process (4242 on host) stopped after promoting it, before recording it");
    assertThat(History.lastProduction(history.read())).contains(NEW);
    // a second recovery finds nothing to do
    assertThat(Recovery.recover(root, history, Optional.empty())).isEmpty();
  }

  @Test
  void productionChangedByHandIsRecorded() throws Exception {
    promoted(NEW);
    root.setProduction(OLD); // an operator rolled back

    List<HistoryEntry> added = Recovery.recover(root, history, Optional.empty());

    assertThat(added).hasSize(1);
    assertThat(added.get(0).run()).isEqualTo(OLD);
    assertThat(added.get(0).decision()).isEqualTo(History.RECONCILED);
    assertThat(added.get(0).reason()).endsWith(
        "production was changed outside retrain, or a retrain stopped between promoting and recording");
    assertThat(History.lastProduction(history.read())).contains(OLD);
  }

  @Test
  void anEmptyProductionFileIsAnErrorAndNeverReconciledAsNoRun() throws Exception {
    promoted(OLD);
    // what a power loss after renaming an unflushed file can leave
    Files.writeString(tmp.resolve(RetrainRoot.PRODUCTION), "");
    List<HistoryEntry> before = history.read();

    assertThatThrownBy(() -> Recovery.recover(root, history, Optional.empty()))
        .isInstanceOf(RetrainRoot.ProductionPointerException.class)
        .hasMessageStartingWith(root.production() + " is empty (0 characters");
    assertThat(history.read()).isEqualTo(before);
    assertThat(tmp.resolve(RetrainRoot.PRODUCTION)).isEmptyFile();
  }

  @Test
  void aDeadRunIsStillRecordedWhenProductionCannotBeRead() throws Exception {
    promoted(OLD);
    Files.writeString(tmp.resolve(RetrainRoot.PRODUCTION), "not a run\n");

    assertThatThrownBy(() -> Recovery.recover(root, history, Optional.of(deadRun(NEW))))
        .isInstanceOf(RetrainRoot.ProductionPointerException.class)
        .hasMessageStartingWith(root.production() + " holds 'not a run', not a run name");
    List<HistoryEntry> lines = history.read();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1).run()).isEqualTo(NEW);
    assertThat(lines.get(1).decision()).isEqualTo(History.FAILED);
    assertThat(lines.get(1).production()).isNull();
    assertThat(lines.get(1).reason()).isEqualTo("its process (4242 on host, started 2026-11-25T02:00:00Z) stopped "
        + "before finishing; its lock was found stale; whether it promoted before stopping is unknown, since "
        + "production does not name a run");
    // nothing claims that production is no run
    assertThat(History.lastProduction(lines)).contains(OLD);
  }

  @Test
  void aMissingProductionFileIsAnErrorWhileHistoryRecordsAProduction() throws Exception {
    promoted(OLD);
    Files.delete(tmp.resolve(RetrainRoot.PRODUCTION));
    assertThatThrownBy(() -> Recovery.recover(root, history, Optional.empty()))
        .isInstanceOf(RetrainRoot.ProductionPointerException.class)
        .hasMessage(root.production() + " is missing, but history last recorded " + OLD + " as production"
            + RetrainRootTest.POINTER_ADVICE);
    assertThat(history.read()).hasSize(1);
  }

  @Test
  void historyLinesAreWholeJsonObjectsAndABadLineIsSkipped() throws Exception {
    promoted(OLD);
    Files.writeString(tmp.resolve(RetrainRoot.HISTORY), "garbage\n", java.nio.file.StandardOpenOption.APPEND);
    history.append(HistoryEntry.now(NEW, 0.5, OLD, 0.98, History.KEPT, "worse"));
    List<String> lines = Files.readAllLines(tmp.resolve(RetrainRoot.HISTORY));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).startsWith("{\"time\":\"").contains("\"run\":\"" + NEW + "\"", "\"accuracy\":0.5",
        "\"production\":\"" + OLD + "\"", "\"productionAccuracy\":0.98", "\"decision\":\"kept\"", "\"reason\":\"worse\"");
    assertThat(history.read()).extracting(HistoryEntry::run).containsExactly(OLD, NEW);
  }
}
