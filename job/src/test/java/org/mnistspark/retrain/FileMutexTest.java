package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.lock.FakeClock;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.lock.ProcessView;
import org.mnistspark.output.OutputFolder;

/**
 * The history mutex: never broken while its holder is seen running or renews its lease; broken
 * when its process is gone, or unrenewed for its lease where its liveness cannot be told. On a
 * {@link FakeClock}: leases of 30 s and waits of 2 min take no time.
 */
class FileMutexTest {
  static final Duration STALE_AFTER = Duration.ofSeconds(30);
  static final Duration TIMEOUT = Duration.ofSeconds(120);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private RetrainRoot root;
  private Path file;
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.toString(), new Configuration());
    file = tmp.resolve(RetrainRoot.HISTORY_LOCK);
  }

  private FileMutex acquire(ProcessView view) throws IOException {
    return FileMutex.acquire(root, root.historyLock(), STALE_AFTER, TIMEOUT, clock, view);
  }

  private void writeHolder(ProcessIdentity process) throws IOException {
    String t = clock.now().toString();
    Files.writeString(file, JSON.writeValueAsString(new FileMutex.Holder("a-token", process, t, t)) + "\n");
  }

  private double seconds(long since) {
    return (clock.nanoTime() - since) / 1e9;
  }

  @Test
  void aHolderSeenRunningIsNeverBroken() throws Exception {
    // this process, seen running, and never renewing (say, stuck in a slow file system call)
    writeHolder(ProcessIdentity.SELF);
    String before = Files.readString(file);
    long start = clock.nanoTime();
    assertThatThrownBy(() -> acquire(RetrainLockTest.SEES_ALL))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(root.historyLock() + ": held for over 120 s by process "
            + ProcessIdentity.SELF.describe() + " since ")
        .hasMessageEndingWith(", which is running; delete it if no retrain is running");
    assertThat(seconds(start)).isBetween(120.0, 121.0);
    assertThat(file).hasContent(before);
  }

  @Test
  void aHolderWhoseProcessIsGoneIsBrokenAtOnce() throws Exception {
    writeHolder(RetrainLockTest.here(RetrainLockTest.deadPid(), null));
    long start = clock.nanoTime();
    try (FileMutex m = acquire(RetrainLockTest.SEES_ALL)) {
      assertThat(seconds(start)).isLessThan(1.0);
      m.checkHeld();
    }
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, OutputFolder.MANIFEST);
  }

  @Test
  void aHolderProcHidesKeepsTheMutexWhileItRenews() throws Exception {
    // two holders in this JVM, but the waiter's view is that of /proc with hidepid: it cannot tell
    // whether the holder runs, so only the holder's renewals (run as the waiter's waits advance the clock) keep it
    FileMutex held = acquire(RetrainLockTest.SEES_ALL);
    long start = clock.nanoTime();
    assertThatThrownBy(() -> acquire(RetrainLockTest.HIDDEN)).isInstanceOf(IOException.class)
        .hasMessageContaining(": held for over 120 s by process ");
    assertThat(seconds(start)).isBetween(120.0, 121.0);
    held.checkHeld();
    held.close();
    assertThat(clock.running()).isZero();
    try (FileMutex next = acquire(RetrainLockTest.HIDDEN)) {
      next.checkHeld();
    }
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, OutputFolder.MANIFEST);
  }

  @Test
  void aHolderProcHidesThatStopsRenewingIsBrokenAfterItsLease() throws Exception {
    writeHolder(RetrainLockTest.here(RetrainLockTest.deadPid(), null));
    String stale = Files.readString(file);
    long start = clock.nanoTime();
    try (FileMutex m = acquire(RetrainLockTest.HIDDEN)) {
      assertThat(seconds(start)).isBetween(30.0, 31.0);
      assertThat(m.tomb()).contains(root.tombstone(root.historyLock(), stale));
    }
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, OutputFolder.MANIFEST);
  }

  @Test
  void aBrokenHolderFindsOutAndLeavesTheNewHoldersFile() throws Exception {
    FileMutex stopped = acquire(RetrainLockTest.SEES_ALL);
    stopped.stopRenewing(); // as a holder whose every thread stalled
    // a waiter that cannot tell whether it runs breaks it once it stayed unrenewed for a lease
    long start = clock.nanoTime();
    FileMutex next = acquire(RetrainLockTest.HIDDEN);
    assertThat(seconds(start)).isBetween(30.0, 31.0);

    assertThatThrownBy(stopped::checkHeld).hasMessage(root.historyLock() + ": no longer held (changed by another "
        + "process); nothing was written");
    String nexts = Files.readString(file);
    stopped.close();
    assertThat(file).hasContent(nexts);
    next.checkHeld();
    next.close();
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, OutputFolder.MANIFEST);
  }

  @Test
  void aFileOfAnEarlierVersionIsBrokenOnceUnchangedForALease() throws Exception {
    Files.writeString(file, "a-token process 4242 on elsewhere at 2026-11-25T02:00:00Z\n");
    long start = clock.nanoTime();
    try (FileMutex m = acquire(RetrainLockTest.SEES_ALL)) {
      assertThat(seconds(start)).isBetween(30.0, 31.0);
    }
  }
}
