package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.retrain.RetrainLock.Holder;
import org.mnistspark.retrain.RetrainLock.LockedException;

/** The lock on the local file system, with real processes for live and dead holders. */
class RetrainLockTest {
  private static final Duration NO_WAIT = Duration.ZERO;

  @TempDir Path tmp;
  private RetrainRoot root;
  private Path lockFile;

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.toString(), new Configuration());
    lockFile = tmp.resolve(RetrainRoot.LOCK);
  }

  /** A process id that just ended (its process has been reaped). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(p.pid())).isEmpty();
    return p.pid();
  }

  private void writeLock(Holder h) throws Exception {
    Files.writeString(lockFile, new ObjectMapper().writeValueAsString(h));
  }

  private static String ourStart() {
    return ProcessHandle.current().info().startInstant().orElseThrow().toString();
  }

  @Test
  void acquireWritesTheHolderAndCloseRemovesIt() throws Exception {
    try (RetrainLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT)) {
      assertThat(lock.takenOver()).isEmpty();
      Holder h = new ObjectMapper().readValue(Files.readString(lockFile), Holder.class);
      assertThat(h.host()).isEqualTo(RetrainLock.HOST);
      assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(h.processStart()).isEqualTo(ourStart());
      assertThat(h.run()).isEqualTo("20261125T093000Z");
      assertThat(h.token()).hasSize(36);
      assertThat(Instant.parse(h.started())).isBeforeOrEqualTo(Instant.now());
    }
    assertThat(lockFile).doesNotExist();
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void liveLockRefusesASecondRetrain() throws Exception {
    try (RetrainLock first = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT)) {
      assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", NO_WAIT))
          .isInstanceOf(LockedException.class)
          .hasMessage(root.lock() + ": another retrain holds the lock (run 20261125T093000Z, process "
              + ProcessHandle.current().pid() + " on " + RetrainLock.HOST + ", started "
              + new ObjectMapper().readValue(Files.readString(lockFile), Holder.class).started() + ")");
      // the refused retrain left the holder's lock as it was
      assertThat(new ObjectMapper().readValue(Files.readString(lockFile), Holder.class).run()).isEqualTo("20261125T093000Z");
    }
  }

  @Test
  void waitsForALiveLockToBeReleased() throws Exception {
    RetrainLock first = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT);
    CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(1500);
        first.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long start = System.nanoTime();
    try (RetrainLock second = RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(30))) {
      double waited = (System.nanoTime() - start) / 1e9;
      assertThat(waited).as("seconds waited").isBetween(1.4, 10.0);
      assertThat(second.run()).isEqualTo("20261125T093001Z");
      assertThat(second.takenOver()).isEmpty();
    }
    release.get();
  }

  @Test
  void givesUpAfterTheWait() throws Exception {
    try (RetrainLock first = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(2)))
          .isInstanceOf(LockedException.class).hasMessageEndingWith("; waited 2 s");
      assertThat((System.nanoTime() - start) / 1e9).isBetween(1.9, 5.0);
    }
  }

  @Test
  void staleLockOfADeadProcessIsTakenOver() throws Exception {
    Holder dead = new Holder(RetrainLock.HOST, deadPid(), "2026-11-25T01:00:00Z", "2026-11-25T02:00:00Z",
        "20261125T020000Z", "dead-token");
    writeLock(dead);
    try (RetrainLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT)) {
      assertThat(lock.takenOver()).contains(dead);
      assertThat(new ObjectMapper().readValue(Files.readString(lockFile), Holder.class).pid())
          .isEqualTo(ProcessHandle.current().pid());
    }
    // nothing moved aside is left behind
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void processIdReusedByAnotherProcessCountsAsStale() throws Exception {
    // our own pid, but recorded with another start time: the holder was an earlier process with this id
    Holder reused = new Holder(RetrainLock.HOST, ProcessHandle.current().pid(), "2020-01-01T00:00:00Z",
        "2020-01-01T00:00:01Z", "20200101T000001Z", "old-token");
    writeLock(reused);
    try (RetrainLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT)) {
      assertThat(lock.takenOver()).contains(reused);
    }
  }

  @Test
  void liveProcessWithTheSameStartIsNotStale() {
    Holder live = new Holder(RetrainLock.HOST, ProcessHandle.current().pid(), ourStart(), "x", "r", "t");
    assertThat(RetrainLock.isStale(live)).isFalse();
  }

  @Test
  void lockFromAnotherHostIsNeverTakenOver() throws Exception {
    Holder remote = new Holder("elsewhere.example", deadPid(), null, "2026-11-25T02:00:00Z", "20261125T020000Z", "t");
    writeLock(remote);
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT))
        .isInstanceOf(LockedException.class)
        .hasMessageContaining("process " + remote.pid() + " on elsewhere.example")
        .hasMessageEndingWith("; it runs on another host, so if it is gone, delete the lock file");
    assertThat(new ObjectMapper().readValue(Files.readString(lockFile), Holder.class)).isEqualTo(remote);
  }

  @Test
  void unreadableLockIsAnErrorNamingTheFile() throws Exception {
    Files.writeString(lockFile, "not json");
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith(root.lock() + ": not a retrain lock (")
        .hasMessageEndingWith("); delete it if no retrain is running");
    assertThat(lockFile).hasContent("not json");
  }

  @Test
  void closeLeavesALockThatIsNoLongerOurs() throws Exception {
    RetrainLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT);
    Holder other = new Holder(RetrainLock.HOST, 1, null, "x", "other", "other-token");
    writeLock(other);
    lock.close();
    assertThat(new ObjectMapper().readValue(Files.readString(lockFile), Holder.class)).isEqualTo(other);
  }
}
