package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.LeaseLock.Holder;
import org.mnistspark.lock.LeaseLock.LockedException;
import org.mnistspark.lock.LockHooks;
import org.mnistspark.lock.ProcessIdentity;

/**
 * The lock on the local file system, with real processes for live and dead holders, and other pid
 * namespaces simulated by lock files that name them.
 */
class RetrainLockTest {
  static final Duration NO_WAIT = Duration.ZERO;
  static final Duration LEASE = Duration.ofSeconds(60);
  static final ProcessIdentity SELF = ProcessIdentity.SELF;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private RetrainRoot root;
  private Path lockFile;

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.toString(), new Configuration());
    lockFile = tmp.resolve(RetrainRoot.LOCK);
  }

  /** A process id that just ended (its process has been reaped). */
  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(p.pid())).isEmpty();
    return p.pid();
  }

  /** A lock of {@code process} whose lease of {@code lease} was last renewed just now. */
  static Holder holder(ProcessIdentity process, String run, Duration lease) {
    Instant now = Instant.now();
    return new Holder(run, "token-" + run, process, now.toString(), lease.toSeconds(), now.toString(),
        now.plus(lease).toString());
  }

  /** This machine and pid namespace, another process. */
  static ProcessIdentity here(long pid, String start) {
    return new ProcessIdentity(SELF.host(), SELF.bootId(), SELF.pidNamespace(), pid, start);
  }

  private void writeLock(Holder h) throws Exception {
    Files.writeString(lockFile, JSON.writeValueAsString(h));
  }

  private Holder lockOnDisk() throws IOException {
    return JSON.readValue(Files.readString(lockFile), Holder.class);
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  @Test
  void acquireWritesTheHolderWithALeaseAndCloseRemovesIt() throws Exception {
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      assertThat(lock.takenOver()).isEmpty();
      Holder h = lockOnDisk();
      assertThat(h.process()).isEqualTo(SELF);
      assertThat(SELF.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(SELF.bootId()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim());
      assertThat(SELF.pidNamespace()).isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString())
          .startsWith("pid:[");
      assertThat(SELF.start()).isEqualTo(ProcessHandle.current().info().startInstant().orElseThrow().toString());
      assertThat(h.run()).isEqualTo("20261125T093000Z");
      assertThat(h.token()).hasSize(36);
      assertThat(h.leaseSeconds()).isEqualTo(60);
      assertThat(Instant.parse(h.started())).isBeforeOrEqualTo(Instant.now());
      assertThat(Duration.between(Instant.parse(h.renewed()), Instant.parse(h.expires()))).isEqualTo(LEASE);
    }
    assertThat(lockFile).doesNotExist();
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void liveLockRefusesASecondRetrain() throws Exception {
    try (LeaseLock first = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      Holder h = lockOnDisk();
      assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", NO_WAIT, LEASE))
          .isInstanceOf(LockedException.class)
          .hasMessage(root.lock() + ": another retrain holds the lock (run 20261125T093000Z, process "
              + SELF.pid() + " on " + SELF.host() + ", started " + h.started() + ", lease until " + h.expires() + ")");
      // the refused retrain left the holder's lock as it was
      assertThat(lockOnDisk().token()).isEqualTo(h.token());
    }
  }

  @Test
  void waitsForALiveLockToBeReleased() throws Exception {
    LeaseLock first = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE);
    CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(1500);
        first.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long start = System.nanoTime();
    try (LeaseLock second = RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(30), LEASE)) {
      assertThat(secondsSince(start)).as("seconds waited").isBetween(1.4, 10.0);
      assertThat(second.run()).isEqualTo("20261125T093001Z");
      assertThat(second.takenOver()).isEmpty();
    }
    release.get();
  }

  @Test
  void givesUpAfterTheWait() throws Exception {
    try (LeaseLock first = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(2), LEASE))
          .isInstanceOf(LockedException.class).hasMessageEndingWith("; waited 2 s");
      assertThat(secondsSince(start)).isBetween(1.9, 5.0);
    }
  }

  @Test
  void renewalKeepsALockLivePastItsLease() throws Exception {
    Duration lease = Duration.ofSeconds(2);
    try (LeaseLock holder = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, lease)) {
      Holder first = lockOnDisk();
      // a contender willing to wait for three leases never sees it expire
      assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(6), lease))
          .isInstanceOf(LockedException.class);
      Holder now = lockOnDisk();
      assertThat(now.token()).isEqualTo(first.token());
      assertThat(Instant.parse(now.renewed())).isAfter(Instant.parse(first.expires()).minus(lease));
      assertThat(Instant.parse(now.expires())).isAfter(Instant.now()).isAfter(Instant.parse(first.expires()).plusSeconds(3));
      holder.checkHeld();
    }
    assertThat(lockFile).doesNotExist();
  }

  @Test
  void holderThatStopsRenewingLosesTheLockAfterItsLease() throws Exception {
    Duration lease = Duration.ofSeconds(2);
    LeaseLock hung = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, lease);
    List<String> lost = new CopyOnWriteArrayList<>();
    hung.onLost(lost::add);
    LockHooks.stopRenewing(hung);
    Holder stopped = lockOnDisk();
    // still live while its lease runs
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093001Z", NO_WAIT, lease))
        .isInstanceOf(LockedException.class);

    try (LeaseLock next = RetrainLock.acquire(root, "20261125T093001Z", Duration.ofSeconds(10), lease)) {
      // taken over only once expired and then seen unchanged for a lease by the taker
      assertThat(Instant.now()).isAfter(Instant.parse(stopped.expires()));
      assertThat(next.takenOver().orElseThrow().holder()).isEqualTo(stopped);
      assertThat(next.takenOver().get().cause())
          .isEqualTo("stopped renewing its lease (it expired at " + stopped.expires() + ")");
      assertThat(lockOnDisk().run()).isEqualTo("20261125T093001Z");

      // the hung holder wakes up: it finds its lease ran out, reports it, and writes nothing
      LockHooks.renewNow(hung);
      assertThat(lost).containsExactly("its lease expired at " + stopped.expires() + " before it could be renewed");
      assertThatThrownBy(hung::checkHeld).isInstanceOf(IOException.class)
          .hasMessage("lost the retrain lock: its lease expired at " + stopped.expires() + " before it could be renewed");
      assertThatThrownBy(() -> hung.renameRun("x")).isInstanceOf(IOException.class);
      hung.close();
      assertThat(lockOnDisk().run()).isEqualTo("20261125T093001Z");
      next.checkHeld();
    }
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void lockOfAnotherPidNamespaceIsLiveUntilItsLeaseExpires() throws Exception {
    // a container on the same kernel: its pid means nothing here, and here no such pid runs
    ProcessIdentity container = new ProcessIdentity(SELF.host(), SELF.bootId(), "pid:[4026532999]", deadPid(),
        "2026-11-25T01:00:00Z");
    Holder foreign = holder(container, "20261125T020000Z", Duration.ofSeconds(2));
    writeLock(foreign);
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE))
        .isInstanceOf(LockedException.class).hasMessageContaining("process " + container.pid() + " on " + SELF.host());
    assertThat(lockOnDisk()).isEqualTo(foreign);

    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", Duration.ofSeconds(10), LEASE)) {
      assertThat(Instant.now()).isAfter(Instant.parse(foreign.expires()));
      assertThat(lock.takenOver().orElseThrow().holder()).isEqualTo(foreign);
      assertThat(lock.takenOver().get().cause()).startsWith("stopped renewing its lease");
    }
  }

  @Test
  void lockOfAnotherMachineWithOurNamespaceNumberIsLive() throws Exception {
    // the initial pid namespace has the same number on every Linux machine; the boot id differs
    ProcessIdentity remote = new ProcessIdentity("elsewhere.example", "0b1d7a0e-0000-4000-8000-000000000000",
        SELF.pidNamespace(), deadPid(), null);
    writeLock(holder(remote, "20261125T020000Z", LEASE));
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE))
        .isInstanceOf(LockedException.class).hasMessageContaining("process " + remote.pid() + " on elsewhere.example");
    assertThat(lockOnDisk().process()).isEqualTo(remote);
  }

  @Test
  void deadProcessInOurNamespaceIsTakenOverAtOnce() throws Exception {
    Holder dead = holder(here(deadPid(), "2026-11-25T01:00:00Z"), "20261125T020000Z", Duration.ofHours(1));
    writeLock(dead);
    long start = System.nanoTime();
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      assertThat(secondsSince(start)).as("long before its lease ends").isLessThan(5);
      assertThat(lock.takenOver().orElseThrow().holder()).isEqualTo(dead);
      assertThat(lock.takenOver().get().cause()).isEqualTo("stopped before finishing");
      assertThat(lockOnDisk().process()).isEqualTo(SELF);
    }
    // nothing moved aside is left behind
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void processIdReusedByAnotherProcessCountsAsStale() throws Exception {
    // our own pid, but recorded with another start time: the holder was an earlier process with this id
    Holder reused = holder(here(SELF.pid(), "2020-01-01T00:00:00Z"), "20200101T000001Z", Duration.ofHours(1));
    writeLock(reused);
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      assertThat(lock.takenOver().orElseThrow().holder()).isEqualTo(reused);
    }
  }

  @Test
  void liveProcessWithTheSameStartIsNotGone() {
    assertThat(LockHooks.sharesPids(SELF, here(SELF.pid(), SELF.start()))).isTrue();
    assertThat(LockHooks.isGone(here(SELF.pid(), SELF.start()))).isFalse();
    assertThat(LockHooks.isGone(here(SELF.pid(), null))).isFalse();
  }

  @Test
  void contendersForOneStaleLockLetExactlyOneTakeItOver() throws Exception {
    contendersTakeOverOnce(root, 10);
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  /** Rounds of four threads at once acquiring a lock whose process is gone: one wins, the rest are locked out. */
  static void contendersTakeOverOnce(RetrainRoot root, int rounds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < rounds; round++) {
        root.replace(root.lock(), JSON.writeValueAsString(holder(here(deadPid(), null), "stale" + round, Duration.ofHours(1))));
        List<Callable<LeaseLock>> tries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          String run = "20261125T09300" + i + "Z";
          tries.add(() -> {
            try {
              return RetrainLock.acquire(root, run, NO_WAIT, LEASE);
            } catch (LockedException e) {
              return null;
            }
          });
        }
        List<LeaseLock> winners = new ArrayList<>();
        for (Future<LeaseLock> f : pool.invokeAll(tries)) {
          if (f.get() != null) {
            winners.add(f.get());
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        assertThat(winners.get(0).takenOver().orElseThrow().holder().run()).isEqualTo("stale" + round);
        assertThat(JSON.readValue(root.read(root.lock()).orElseThrow(), Holder.class).run()).isEqualTo(winners.get(0).run());
        winners.get(0).close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void takerThatStoppedHalfwayDoesNotBlockForever() throws Exception {
    // a taker that died between its tombstone and removing the stale lock left both
    String stale = JSON.writeValueAsString(holder(here(deadPid(), null), "20261125T020000Z", Duration.ofSeconds(1)));
    Files.writeString(lockFile, stale);
    root.createExclusively(root.tombstone(root.lock(), stale), stale);
    long start = System.nanoTime();
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      assertThat(secondsSince(start)).as("about one lease of the stale lock").isBetween(0.9, 5.0);
      assertThat(lock.takenOver()).isPresent();
    }
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder(RetrainRoot.RUNS, org.mnistspark.output.OutputFolder.MANIFEST);
  }

  @Test
  void unreadableOrOldLockIsAnErrorNamingTheFile() throws Exception {
    Files.writeString(lockFile, "not json");
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(root.lock() + ": not a retrain lock (")
        .hasMessageEndingWith("); delete it if no retrain is running");
    assertThat(lockFile).hasContent("not json");

    Files.writeString(lockFile, "{\"run\":\"20261125T020000Z\",\"token\":\"t\"}");
    assertThatThrownBy(() -> RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE))
        .isInstanceOf(IOException.class)
        .hasMessage(root.lock() + ": not a retrain lock (no token, process, lease or expiry; an earlier version's "
            + "lock?); delete it if no retrain is running");
  }

  @Test
  void holderWhoseLockIsTakenStopsAndLeavesIt() throws Exception {
    LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE);
    List<String> lost = new CopyOnWriteArrayList<>();
    lock.onLost(lost::add);
    Holder other = holder(here(1, null), "other", LEASE);
    writeLock(other);
    LockHooks.renewNow(lock);
    LockHooks.renewNow(lock);
    assertThat(lost).containsExactly("taken over by " + other.describe());
    assertThat(lockOnDisk()).isEqualTo(other);
    lock.close();
    assertThat(lockOnDisk()).isEqualTo(other);
  }

  @Test
  void holderWhoseLockIsDeletedStops() throws Exception {
    LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE);
    List<String> lost = new CopyOnWriteArrayList<>();
    lock.onLost(lost::add);
    Files.delete(lockFile);
    LockHooks.renewNow(lock);
    assertThat(lost).containsExactly(root.lock() + " was deleted");
    assertThatThrownBy(lock::checkHeld).hasMessage("lost the retrain lock: " + root.lock() + " was deleted");
    // it does not write its lock back
    LockHooks.renewNow(lock);
    assertThat(lockFile).doesNotExist();
    lock.close();
  }

  @Test
  void renameRunKeepsTheToken() throws Exception {
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE)) {
      String token = lockOnDisk().token();
      lock.renameRun("20261125T093001Z");
      assertThat(lockOnDisk().run()).isEqualTo("20261125T093001Z");
      assertThat(lockOnDisk().token()).isEqualTo(token);
      LockHooks.renewNow(lock);
      assertThat(lockOnDisk().run()).isEqualTo("20261125T093001Z");
    }
  }
}
