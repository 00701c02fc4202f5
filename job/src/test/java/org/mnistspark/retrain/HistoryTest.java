package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.ChildJvm;
import org.mnistspark.lock.FakeClock;
import org.mnistspark.lock.ProcessView;

/** history.jsonl under concurrent appenders, on the local file system (HDFS: RetrainHdfsTest). */
class HistoryTest {
  @TempDir Path tmp;
  private RetrainRoot root;

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.toString(), new Configuration());
  }

  /** Appends lines named {@code writer-i} from each writer thread at once; returns what history then reads. */
  static List<String> appendConcurrently(RetrainRoot root, int writers, int each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String name = "writer" + w;
        tasks.add(() -> {
          appendLines(root, name, each);
          return null;
        });
      }
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new History(root).read().stream().map(HistoryEntry::reason).toList();
  }

  static void appendLines(RetrainRoot root, String writer, int n) throws IOException {
    History history = new History(root);
    for (int i = 0; i < n; i++) {
      history.append(HistoryEntry.now("20261125T0930" + String.format("%02d", i % 60) + "Z", null, null, null,
          History.FAILED, writer + "-" + i));
    }
  }

  static List<String> expected(int writers, int each) {
    List<String> lines = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < each; i++) {
        lines.add("writer" + w + "-" + i);
      }
    }
    return lines;
  }

  /**
   * A child JVM's entry point: appends {@code args[2]} lines as writer {@code args[1]} to the root
   * {@code args[0]}, once the file {@code args[0]/go} exists (so that the writers overlap).
   */
  public static void main(String[] args) throws Exception {
    RetrainRoot root = RetrainRoot.open(args[0], new Configuration());
    Files.writeString(Path.of(args[0], "ready-" + args[1]), "");
    while (!Files.exists(Path.of(args[0], "go"))) {
      Thread.sleep(5);
    }
    appendLines(root, args[1], Integer.parseInt(args[2]));
  }

  @Test
  void readLinesNamesTheLinesThatAreNotEntries() throws Exception {
    History history = new History(root);
    history.append(HistoryEntry.now("20261125T093000Z", 0.99, null, null, History.PROMOTED, "first"));
    Files.writeString(tmp.resolve(RetrainRoot.HISTORY), "{\"run\":\"20261126T093000Z\",\"decis\n"
        + "{\"run\":\"20261127T093000Z\",\"decision\":\"promoted-ish\"}\n\n", java.nio.file.StandardOpenOption.APPEND);
    history.append(HistoryEntry.now("20261128T093000Z", 0.99, null, null, History.KEPT, "last"));

    History.Lines lines = history.readLines();
    assertThat(lines.entries()).extracting(HistoryEntry::reason).containsExactly("first", "last");
    assertThat(lines.unreadable()).containsExactly(2, 3);
    assertThat(history.read()).isEqualTo(lines.entries());
  }

  @Test
  void twoThreadsAppendingAtOnceKeepEveryLine() throws Exception {
    List<String> lines = appendConcurrently(root, 2, 50);
    assertThat(lines).hasSize(100).containsExactlyInAnyOrderElementsOf(expected(2, 50));
    // each writer's lines in its own order
    assertThat(lines.stream().filter(l -> l.startsWith("writer0-")).toList()).isEqualTo(expected(1, 50));
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, RetrainRoot.HISTORY, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void twoProcessesAppendingAtOnceKeepEveryLine() throws Exception {
    List<Process> children = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      List<String> cmd = ChildJvm.java(List.of(), HistoryTest.class.getName());
      cmd.addAll(List.of(tmp.toString(), "writer" + w, "50"));
      children.add(new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("writer" + w + ".log").toFile()).start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(tmp.resolve("ready-writer0")) && Files.exists(tmp.resolve("ready-writer1")))) {
      assertThat(System.nanoTime()).as("children ready").isLessThan(deadline);
      assertThat(children).as("children waiting; logs in %s", tmp).allMatch(Process::isAlive);
      Thread.sleep(10);
    }
    Files.writeString(tmp.resolve("go"), "");
    for (int w = 0; w < 2; w++) {
      assertThat(children.get(w).waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(children.get(w).exitValue()).as("exit code; log %s", Files.readString(tmp.resolve("writer" + w + ".log")))
          .isZero();
    }
    assertThat(new History(root).read()).extracting(HistoryEntry::reason)
        .hasSize(100).containsExactlyInAnyOrderElementsOf(expected(2, 50));
  }

  @Test
  void mutexLeftByADeadAppenderIsBrokenAfterItStaysUnchanged() throws Exception {
    Files.writeString(tmp.resolve(RetrainRoot.HISTORY_LOCK), "a-token process 4242 on elsewhere at 2026-11-25T02:00:00Z\n");
    FakeClock clock = new FakeClock();
    History history = new History(root, Duration.ofSeconds(30), Duration.ofSeconds(120), clock, ProcessView.SYSTEM);
    long start = clock.nanoTime();
    history.append(HistoryEntry.now("20261125T093000Z", null, null, null, History.FAILED, "after"));
    // an earlier version's mutex names no process that can be checked: broken once unrenewed for a lease
    assertThat((clock.nanoTime() - start) / 1e9).isBetween(30.0, 31.0);
    assertThat(history.read()).extracting(HistoryEntry::reason).containsExactly("after");
    // no mutex, no tombstone
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, RetrainRoot.HISTORY, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void mutexHeldForTheWholeWaitFailsTheAppendAndWritesNothing() throws Exception {
    Files.writeString(tmp.resolve(RetrainRoot.HISTORY_LOCK), "a-token process 4242 on elsewhere at 2026-11-25T02:00:00Z\n");
    History history = new History(root, Duration.ofSeconds(600), Duration.ofSeconds(120), new FakeClock(),
        ProcessView.SYSTEM);
    assertThatThrownBy(() -> history.append(HistoryEntry.now("20261125T093000Z", null, null, null, History.FAILED, "x")))
        .isInstanceOf(IOException.class)
        .hasMessage(root.historyLock() + ": held for over 120 s by a-token process 4242 on elsewhere at "
            + "2026-11-25T02:00:00Z; delete it if no retrain is running");
    assertThat(tmp.resolve(RetrainRoot.HISTORY)).doesNotExist();
    assertThat(tmp.resolve(RetrainRoot.HISTORY_LOCK)).exists();
  }

  @Test
  void deleteLeftoversRemovesHalfWrittenCopiesAndOldTombstones() throws Exception {
    History history = new History(root);
    history.append(HistoryEntry.now("20261125T093000Z", null, null, null, History.FAILED, "kept"));
    Files.writeString(tmp.resolve(".history.jsonl.tmp-1"), "half");
    Files.writeString(tmp.resolve(".history.jsonl.lock.stale-0123456789abcdef"), "an old holder");
    Files.writeString(tmp.resolve(".history.jsonl.lock.new-2"), "an appender's mutex being published");

    assertThat(history.deleteLeftovers()).hasSize(2);
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, RetrainRoot.HISTORY, org.mnistspark.output.OutputFolder.MANIFEST,
        ".history.jsonl.lock.new-2");
    assertThat(history.read()).extracting(HistoryEntry::reason).containsExactly("kept");
  }
}
