package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.lock.AtomicFiles;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.output.OutputFolder;

/** The retraining folder's file operations on the local file system. */
class RetrainRootTest {
  @TempDir Path tmp;
  private RetrainRoot root;

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.resolve("root").toString(), new Configuration());
  }

  @Test
  void openCreatesTheFolderAndRuns() {
    assertThat(tmp.resolve("root/runs")).isDirectory();
    assertThat(root.root().toString()).isEqualTo("file:" + tmp.resolve("root"));
  }

  @Test
  void openRefusesAFileOrAnUnknownScheme() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertThatThrownBy(() -> RetrainRoot.open(file.toString(), new Configuration()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid value 'file:" + file + "' for option '--root': is a file; this job writes a folder there "
            + "and never replaces what it did not write");
    assertThatThrownBy(() -> RetrainRoot.open("nosuchfs://host/x", new Configuration()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("Invalid value 'nosuchfs://host/x' for option '--root': is not a usable path (");
  }

  @Test
  void productionRoundTripsAndIsReplacedWithoutTemporaries() throws Exception {
    assertThat(root.productionRun()).isEmpty();
    root.setProduction("20261125T093000Z");
    assertThat(tmp.resolve("root/production")).hasContent("20261125T093000Z\n");
    root.setProduction("20261126T093000Z");
    assertThat(root.productionRun()).contains("20261126T093000Z");
    try (var s = Files.list(tmp.resolve("root"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("runs", "production", OutputFolder.MANIFEST);
    }
  }

  /** The end of every message about a production file that does not name a run. */
  static final String POINTER_ADVICE = "; refusing to promote, production is left as it is. Write the name of the "
      + "production run (a folder in runs/; history.jsonl's last promoted or reconciled line names it) into it, then "
      + "retrain again";

  @Test
  void aProductionFileThatDoesNotNameARunIsAnErrorNeverNoProduction() throws Exception {
    Path file = tmp.resolve("root/production");
    record Row(String content, String problem) {}
    for (Row row : List.of(
        new Row("", "is empty (0 characters; a replacement cut short, e.g. by a power loss, can leave it so)"),
        new Row(" \n\n", "is empty (3 characters; a replacement cut short, e.g. by a power loss, can leave it so)"),
        new Row("latest\n", "holds 'latest', not a run name such as 20261125T093000Z"),
        new Row("20261125T093000Z\n20261126T093000Z\n",
            "holds '20261125T093000Z?20261126T093000Z', not a run name such as 20261125T093000Z"),
        new Row("\0".repeat(300), "is 300 bytes, not one run name"))) {
      Files.writeString(file, row.content());
      assertThatThrownBy(root::productionRun).as(row.problem())
          .isInstanceOf(RetrainRoot.ProductionPointerException.class)
          .hasMessage(root.production() + " " + row.problem() + POINTER_ADVICE);
      assertThat(file).hasContent(row.content());
    }
    Files.delete(file);
    Files.createDirectory(file);
    assertThatThrownBy(root::productionRun).isInstanceOf(RetrainRoot.ProductionPointerException.class)
        .hasMessage(root.production() + " is a folder, not a file naming a run" + POINTER_ADVICE);
    Files.delete(file);
    // absent: no run was promoted yet; a name with spaces around it is that name
    assertThat(root.productionRun()).isEmpty();
    Files.writeString(file, " 20261125T093000Z \n");
    assertThat(root.productionRun()).contains("20261125T093000Z");
  }

  @Test
  void aFileThatExistsButCannotBeOpenedIsNeverReadAsMissing() throws Exception {
    Path file = Files.writeString(tmp.resolve("root/production"), "20261125T093000Z\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
    // root reads any file: the case exists only for other users
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(file), "running as root");
    assertThatThrownBy(root::productionRun).isInstanceOf(RetrainRoot.ProductionPointerException.class)
        .hasMessageStartingWith(root.production() + " cannot be read (").hasMessageEndingWith(POINTER_ADVICE);
    assertThatThrownBy(() -> root.read(root.production())).isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith(root.production() + ": cannot be read (");
  }

  @Test
  void readerNeverSeesAHalfWrittenProduction() throws Exception {
    // one writer flips production between two long names; a reader checks every read is whole
    String a = "A".repeat(64 * 1024);
    String b = "B".repeat(64 * 1024);
    root.replace(root.production(), a);
    AtomicBoolean done = new AtomicBoolean();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> reader = pool.submit(() -> {
        int reads = 0;
        while (!done.get()) {
          String s = root.read(root.production()).orElseThrow(() -> new AssertionError("production vanished"));
          seen.add(s.equals(a) ? "a" : s.equals(b) ? "b" : "torn:" + s.length());
          reads++;
        }
        return reads;
      });
      for (int i = 0; i < 100; i++) {
        root.replace(root.production(), i % 2 == 0 ? b : a);
      }
      done.set(true);
      assertThat(reader.get()).isPositive();
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).isSubsetOf("a", "b").isNotEmpty();
  }

  @Test
  void createExclusivelyLetsExactlyOneOfManyWin() throws Exception {
    assertThat(racingExclusiveCreates(root, 8)).isEqualTo(1);
    assertThat(root.read(root.lock()).orElseThrow()).startsWith("writer ");
    assertThat(root.createExclusively(root.lock(), "late")).isFalse();
    try (var s = Files.list(tmp.resolve("root"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("runs", RetrainRoot.LOCK, OutputFolder.MANIFEST);
    }
  }

  @Test
  void runNamesListsOnlyRunFoldersOldestFirst() throws Exception {
    Path runs = tmp.resolve("root/runs");
    Files.createDirectories(runs.resolve("20261126T000000Z"));
    Files.createDirectories(runs.resolve("20261125T000000Z"));
    Files.createDirectories(runs.resolve(".20261127T000000Z.tmp-123"));
    Files.createDirectories(runs.resolve("notes"));
    Files.writeString(runs.resolve("20261128T000000Z"), "a file, not a run");
    assertThat(root.runNames()).containsExactly("20261125T000000Z", "20261126T000000Z");
  }

  @Test
  void deleteLeftoversRemovesOnlyHalfWrittenThingsOfTheStoppedRun() throws Exception {
    Path r = tmp.resolve("root");
    String stopped = Temporaries.tokenOf(new ProcessIdentity("host", "boot", "pid:[1]", 4242, null));
    String running = Temporaries.tokenOf(new ProcessIdentity("host", "boot", "pid:[1]", 4343, null));
    Files.createDirectories(r.resolve("runs/.20261127T000000Z.tmp-" + stopped + "-00000001"));
    Files.writeString(r.resolve("runs/.20261127T000000Z.tmp-" + stopped + "-00000001/model.zip"), "partial");
    Files.createDirectories(r.resolve("runs/.20261128T000000Z.tmp-" + running + "-00000001"));
    Files.writeString(r.resolve("runs/.notes.old-1"), "the operator's");
    Files.createDirectories(r.resolve("runs/20261126T000000Z"));
    Files.writeString(r.resolve(".production.tmp-" + stopped + "-00000002"), "half");
    Files.writeString(r.resolve(".history.jsonl.tmp-" + stopped + "-00000003"), "half");
    Files.writeString(r.resolve("production"), "20261126T000000Z\n");
    Files.writeString(r.resolve(".retrain.lock.new-" + running + "-00000002"), "a contender's lock being published");
    Files.writeString(r.resolve("notes.txt"), "the operator's");

    assertThat(root.deleteLeftovers(Set.of(stopped))).hasSize(2);
    try (var s = Files.list(r)) {
      // history's temporaries are History's to delete, under its mutex
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("runs", "production", ".history.jsonl.tmp-" + stopped + "-00000003",
              ".retrain.lock.new-" + running + "-00000002", "notes.txt", OutputFolder.MANIFEST);
    }
    assertThat(r.resolve("runs").toFile().list()).containsExactlyInAnyOrder("20261126T000000Z", ".notes.old-1",
        ".20261128T000000Z.tmp-" + running + "-00000001");
  }

  @Test
  void removeIfUnchangedRemovesOnlyWhatWasJudged() throws Exception {
    removeIfUnchangedRemovesOnlyWhatWasJudged(root);
    assertThat(tmp.resolve("root").toFile().list()).containsExactlyInAnyOrder("runs", OutputFolder.MANIFEST);
  }

  static void removeIfUnchangedRemovesOnlyWhatWasJudged(RetrainRoot root) throws Exception {
    org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(root.root(), "mutex");
    root.replace(f, "old");
    // changed since it was judged: left, and nothing beside it
    assertThat(root.removeIfUnchanged(f, "older")).isEmpty();
    assertThat(root.read(f)).contains("old");
    assertThat(root.exists(root.tombstone(f, "older"))).isFalse();

    org.apache.hadoop.fs.Path tomb = root.removeIfUnchanged(f, "old").orElseThrow();
    assertThat(root.exists(f)).isFalse();
    assertThat(tomb).isEqualTo(root.tombstone(f, "old"));
    // a late caller with the same view cannot remove a new file, even one with the same content
    root.replace(f, "old");
    assertThat(root.removeIfUnchanged(f, "old")).isEmpty();
    assertThat(root.read(f)).contains("old");
    root.replace(f, "new");
    assertThat(root.removeIfUnchanged(f, "old")).isEmpty();
    assertThat(root.read(f)).contains("new");
    assertThat(root.hiddenSiblings(f, "stale")).containsExactly(tomb);
    root.delete(tomb, false);
    root.delete(f, false);
  }

  @Test
  void swapsReplaceAndDeleteOnlyWhatTheyExpect() throws Exception {
    swapsReplaceAndDeleteOnlyWhatTheyExpect(root);
    assertThat(tmp.resolve("root").toFile().list()).containsExactlyInAnyOrder("runs", OutputFolder.MANIFEST);
  }

  static void swapsReplaceAndDeleteOnlyWhatTheyExpect(RetrainRoot root) throws Exception {
    org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(root.root(), "lease");
    root.replace(f, "mine-1");
    assertThat(root.replaceIfUnchanged(f, "mine-1", "mine-2")).isTrue();
    assertThat(root.read(f)).contains("mine-2");
    // changed since: nothing written
    assertThat(root.replaceIfUnchanged(f, "mine-1", "mine-3")).isFalse();
    assertThat(root.deleteIfUnchanged(f, "mine-1")).isFalse();
    assertThat(root.read(f)).contains("mine-2");

    // a taker is removing it (it holds the tombstone of this content): no swap, no delete
    org.apache.hadoop.fs.Path tomb = root.tombstone(f, "mine-2");
    assertThat(root.createExclusively(tomb, "mine-2")).isTrue();
    assertThat(root.replaceIfUnchanged(f, "mine-2", "mine-3")).isFalse();
    assertThat(root.deleteIfUnchanged(f, "mine-2")).isFalse();
    assertThat(root.read(f)).contains("mine-2");
    root.delete(tomb, false);

    // a claim the caller's own earlier swap could not clean up does not block the next one
    assertThat(root.createExclusively(tomb, AtomicFiles.CLAIM + "left behind\n")).isTrue();
    assertThat(root.replaceIfUnchanged(f, "mine-2", "mine-3")).isTrue();
    assertThat(root.read(f)).contains("mine-3");

    // while a swap holds its claim, a taker cannot remove the file
    org.apache.hadoop.fs.Path claim = root.tombstone(f, "mine-3");
    assertThat(root.createExclusively(claim, AtomicFiles.CLAIM + "in progress\n")).isTrue();
    assertThat(root.removeIfUnchanged(f, "mine-3")).isEmpty();
    assertThat(root.read(f)).contains("mine-3");
    assertThat(root.read(claim).orElseThrow()).startsWith(AtomicFiles.CLAIM);
    root.delete(claim, false);

    assertThat(root.deleteIfUnchanged(f, "mine-3")).isTrue();
    assertThat(root.exists(f)).isFalse();
    assertThat(root.deleteIfUnchanged(f, "mine-3")).isFalse();
    assertThat(root.replaceIfUnchanged(f, "mine-3", "mine-4")).isFalse();
    assertThat(root.exists(f)).isFalse();
    assertThat(root.hiddenSiblings(f, "stale")).isEmpty();
  }

  /** Races {@code writers} threads to create the lock file exclusively; returns how many succeeded. */
  static int racingExclusiveCreates(RetrainRoot root, int writers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Callable<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String content = "writer " + i;
        tries.add(() -> root.createExclusively(root.lock(), content));
      }
      int wins = 0;
      for (Future<Boolean> f : pool.invokeAll(tries)) {
        wins += f.get() ? 1 : 0;
      }
      return wins;
    } finally {
      pool.shutdownNow();
    }
  }
}
