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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.lock.FakeClock;
import org.mnistspark.lock.LeaseClock;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.LeaseLock.Holder;
import org.mnistspark.lock.LeaseLock.LockedException;
import org.mnistspark.lock.LockHooks;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.lock.ProcessView;

/**
 * The lock on the local file system, with real processes for live and dead holders, and other pid
 * namespaces simulated by lock files that name them.
 */
class RetrainLockTest {
  static final Duration NO_WAIT = Duration.ZERO;
  static final Duration LEASE = Duration.ofSeconds(60);
  static final ProcessIdentity SELF = ProcessIdentity.SELF;
  static final ObjectMapper JSON = new ObjectMapper();
  /** The real view, with /proc taken to show every process (as where it has no hidepid). */
  static final ProcessView SEES_ALL = view(true, true);
  /** /proc mounted with hidepid: another user's process cannot be seen, so nothing is known to be gone. */
  static final ProcessView HIDDEN = view(false, false);

  /** The real view of pids, or one that sees none of them; and whether it claims to see every process. */
  static ProcessView view(boolean real, boolean seesEveryProcess) {
    return new ProcessView() {
      @Override
      public boolean visible(long pid) {
        return real && ProcessView.SYSTEM.visible(pid);
      }

      @Override
      public java.util.Optional<String> start(long pid) {
        return real ? ProcessView.SYSTEM.start(pid) : java.util.Optional.empty();
      }

      @Override
      public boolean seesEveryProcess() {
        return seesEveryProcess;
      }
    };
  }

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
    return holder(process, run, lease, Instant.now());
  }

  /** A lock of {@code process} whose lease of {@code lease} was last renewed at {@code now}. */
  static Holder holder(ProcessIdentity process, String run, Duration lease, Instant now) {
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

  private static double secondsSince(FakeClock clock, long nanos) {
    return (clock.nanoTime() - nanos) / 1e9;
  }

  private LeaseLock acquire(String run, Duration wait, Duration lease, FakeClock clock, ProcessView view)
      throws Exception {
    return RetrainLock.acquire(root, run, wait, lease, clock, view);
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
    FakeClock clock = new FakeClock();
    LeaseLock first = acquire("20261125T093000Z", NO_WAIT, LEASE, clock, SEES_ALL);
    // the first holder finishes 1.5 s into the second's wait (run by the waiting thread's sleep)
    clock.once(Duration.ofMillis(1500).toNanos(), "first-holder", first::close);
    long start = clock.nanoTime();
    try (LeaseLock second = acquire("20261125T093001Z", Duration.ofSeconds(30), LEASE, clock, SEES_ALL)) {
      assertThat(secondsSince(clock, start)).as("seconds waited").isBetween(1.5, 3.0);
      assertThat(second.run()).isEqualTo("20261125T093001Z");
      assertThat(second.takenOver()).isEmpty();
    }
  }

  @Test
  void givesUpAfterTheWait() throws Exception {
    FakeClock clock = new FakeClock();
    try (LeaseLock first = acquire("20261125T093000Z", NO_WAIT, LEASE, clock, SEES_ALL)) {
      long start = clock.nanoTime();
      assertThatThrownBy(() -> acquire("20261125T093001Z", Duration.ofSeconds(120), LEASE, clock, SEES_ALL))
          .isInstanceOf(LockedException.class).hasMessageEndingWith("; waited 120 s");
      assertThat(secondsSince(clock, start)).isBetween(120.0, 121.0);
      first.checkHeld();
    }
  }

  @Test
  void renewalKeepsALockLivePastItsLease() throws Exception {
    FakeClock clock = new FakeClock();
    try (LeaseLock holder = acquire("20261125T093000Z", NO_WAIT, LEASE, clock, SEES_ALL)) {
      Holder first = lockOnDisk();
      // a contender willing to wait for four leases never sees it expire (its waits run the holder's renewals)
      assertThatThrownBy(() -> acquire("20261125T093001Z", LEASE.multipliedBy(4), LEASE, clock, SEES_ALL))
          .isInstanceOf(LockedException.class);
      Holder now = lockOnDisk();
      assertThat(now.token()).isEqualTo(first.token());
      assertThat(Instant.parse(now.renewed())).isAfter(Instant.parse(first.expires()).plus(LEASE.multipliedBy(2)));
      assertThat(Instant.parse(now.expires())).isAfter(clock.now());
      holder.checkHeld();
    }
    assertThat(lockFile).doesNotExist();
    assertThat(clock.running()).isZero();
  }

  @Test
  void holderThatStopsRenewingLosesTheLockAfterItsLease() throws Exception {
    FakeClock clock = new FakeClock();
    Duration lease = LEASE;
    LeaseLock hung = acquire("20261125T093000Z", NO_WAIT, lease, clock, SEES_ALL);
    List<String> lost = new CopyOnWriteArrayList<>();
    hung.onLost(lost::add);
    LockHooks.stopRenewing(hung);
    Holder stopped = lockOnDisk();
    // still live while its lease runs
    assertThatThrownBy(() -> acquire("20261125T093001Z", NO_WAIT, lease, clock, SEES_ALL))
        .isInstanceOf(LockedException.class);

    long start = clock.nanoTime();
    try (LeaseLock next = acquire("20261125T093001Z", Duration.ofMinutes(10), lease, clock, SEES_ALL)) {
      // taken over only once expired and then seen unchanged for a lease by the taker
      assertThat(clock.now()).isAfter(Instant.parse(stopped.expires()));
      assertThat(secondsSince(clock, start)).isBetween(120.0, 122.0);
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
    FakeClock clock = new FakeClock();
    // a container on the same kernel: its pid means nothing here, and here no such pid runs
    ProcessIdentity container = new ProcessIdentity(SELF.host(), SELF.bootId(), "pid:[4026532999]", deadPid(),
        "2026-11-25T01:00:00Z");
    Holder foreign = holder(container, "20261125T020000Z", LEASE, clock.now());
    writeLock(foreign);
    assertThatThrownBy(() -> acquire("20261125T093000Z", NO_WAIT, LEASE, clock, SEES_ALL))
        .isInstanceOf(LockedException.class).hasMessageContaining("process " + container.pid() + " on " + SELF.host());
    assertThat(lockOnDisk()).isEqualTo(foreign);

    try (LeaseLock lock = acquire("20261125T093000Z", Duration.ofMinutes(10), LEASE, clock, SEES_ALL)) {
      assertThat(clock.now()).isAfter(Instant.parse(foreign.expires()).plus(LEASE));
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
    try (LeaseLock lock = RetrainLock.acquire(root, "20261125T093000Z", NO_WAIT, LEASE, LeaseClock.SYSTEM, SEES_ALL)) {
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
    assertThat(here(SELF.pid(), SELF.start()).liveness(ProcessView.SYSTEM)).isEqualTo(ProcessIdentity.Liveness.ALIVE);
    assertThat(here(SELF.pid(), null).liveness(ProcessView.SYSTEM)).isEqualTo(ProcessIdentity.Liveness.ALIVE);
    assertThat(here(SELF.pid(), "2020-01-01T00:00:00Z").liveness(ProcessView.SYSTEM))
        .isEqualTo(ProcessIdentity.Liveness.GONE);
  }

  @Test
  void aPidThatCannotBeSeenIsGoneOnlyWhereEveryProcessCanBeSeen() throws Exception {
    ProcessIdentity dead = here(deadPid(), null);
    assertThat(dead.liveness(SEES_ALL)).isEqualTo(ProcessIdentity.Liveness.GONE);
    // hidepid: another user's running process looks exactly like this
    assertThat(dead.liveness(HIDDEN)).isEqualTo(ProcessIdentity.Liveness.UNKNOWN);
    assertThat(here(SELF.pid(), SELF.start()).liveness(HIDDEN)).isEqualTo(ProcessIdentity.Liveness.UNKNOWN);
    assertThat(dead.liveness(ProcessView.SYSTEM)).isEqualTo(ProcessView.SYSTEM.seesEveryProcess()
        ? ProcessIdentity.Liveness.GONE : ProcessIdentity.Liveness.UNKNOWN);
    // another namespace, another boot: never checked
    assertThat(new ProcessIdentity("h", SELF.bootId(), "pid:[1]", dead.pid(), null).liveness(SEES_ALL))
        .isEqualTo(ProcessIdentity.Liveness.UNKNOWN);
    assertThat(new ProcessIdentity("h", "other-boot", SELF.pidNamespace(), dead.pid(), null).liveness(SEES_ALL))
        .isEqualTo(ProcessIdentity.Liveness.UNKNOWN);
  }

  @Test
  void procMountOptionsSayWhetherEveryProcessCanBeSeen() {
    String plain = "22 27 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw";
    assertThat(ProcessView.seesEveryProcess(List.of("25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw", plain))).isTrue();
    assertThat(ProcessView.seesEveryProcess(List.of(plain + ",hidepid=0"))).isTrue();
    assertThat(ProcessView.seesEveryProcess(List.of(plain + ",hidepid=off,gid=4"))).isTrue();
    for (String hidden : List.of("hidepid=1", "hidepid=2", "hidepid=invisible", "hidepid=noaccess", "hidepid=ptraceable")) {
      assertThat(ProcessView.seesEveryProcess(List.of(plain + "," + hidden))).as(hidden).isFalse();
      // the last mount at /proc is the one in use
      assertThat(ProcessView.seesEveryProcess(List.of(plain, plain + "," + hidden))).as(hidden).isFalse();
      assertThat(ProcessView.seesEveryProcess(List.of(plain + "," + hidden, plain))).as(hidden).isTrue();
    }
    assertThat(ProcessView.seesEveryProcess(List.of())).isFalse();
    assertThat(ProcessView.seesEveryProcess(List.of("30 27 0:40 / /proc rw - tmpfs tmpfs rw"))).isFalse();
  }

  @Test
  void aHolderThatProcHidesIsLiveUntilItsLeaseExpires() throws Exception {
    // /proc mounted with hidepid: the holder, another user's retrain, runs but cannot be seen
    FakeClock clock = new FakeClock();
    Holder hidden = holder(here(deadPid(), "2026-11-25T01:00:00Z"), "20261125T020000Z", LEASE, clock.now());
    writeLock(hidden);
    assertThatThrownBy(() -> acquire("20261125T093000Z", NO_WAIT, LEASE, clock, HIDDEN))
        .isInstanceOf(LockedException.class);
    assertThat(lockOnDisk()).isEqualTo(hidden);

    // it stopped renewing: taken over once its lease expired and the file stayed as it was for one more
    long start = clock.nanoTime();
    try (LeaseLock lock = acquire("20261125T093000Z", Duration.ofMinutes(10), LEASE, clock, HIDDEN)) {
      assertThat(secondsSince(clock, start)).isBetween(120.0, 122.0);
      assertThat(lock.takenOver().orElseThrow().holder()).isEqualTo(hidden);
      assertThat(lock.takenOver().get().cause()).isEqualTo("stopped renewing its lease (it expired at "
          + hidden.expires() + ")");
    }
  }

  @Test
  void aHolderThatProcHidesKeepsTheLockWhileItRenews() throws Exception {
    FakeClock clock = new FakeClock();
    ProcessIdentity other = here(deadPid(), "2026-11-25T01:00:00Z");
    writeLock(holder(other, "20261125T020000Z", LEASE, clock.now()));
    // the other retrain renews every third of its lease, as its own lease thread would
    LeaseClock.Repeating renewing = clock.every(LEASE.toNanos() / 3, "other", () -> {
      try {
        writeLock(holder(other, "20261125T020000Z", LEASE, clock.now()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // a contender willing to wait for five leases
    assertThatThrownBy(() -> acquire("20261125T093000Z", LEASE.multipliedBy(5), LEASE, clock, HIDDEN))
        .isInstanceOf(LockedException.class).hasMessageEndingWith("; waited 300 s");
    assertThat(lockOnDisk().process()).isEqualTo(other);
    renewing.cancel();
  }

  @Test
  void aRenewalNeverReplacesALockThatIsBeingTakenOver() throws Exception {
    FakeClock clock = new FakeClock();
    LeaseLock lock = acquire("20261125T093000Z", NO_WAIT, LEASE, clock, SEES_ALL);
    List<String> lost = new CopyOnWriteArrayList<>();
    lock.onLost(lost::add);
    String before = Files.readString(lockFile);
    // a taker has linked the lock to its tombstone and is about to delete it (AtomicFiles.removeIfUnchanged):
    // the file still holds this holder's token, which a check-then-rename renewal would have rewritten
    Path tomb = Path.of(root.tombstone(root.lock(), before).toUri());
    Files.createLink(tomb, lockFile);

    LockHooks.renewNow(lock);

    assertThat(lost).containsExactly("a contender claimed it to take it over");
    assertThat(lockFile).hasContent(before);
    assertThatThrownBy(lock::checkHeld).hasMessage("lost the retrain lock: a contender claimed it to take it over");
    // nor does releasing delete what the taker is removing
    lock.close();
    assertThat(lockFile).hasContent(before);
    assertThat(tomb).exists();
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
              return RetrainLock.acquire(root, run, NO_WAIT, LEASE, LeaseClock.SYSTEM, SEES_ALL);
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
    FakeClock clock = new FakeClock();
    // a taker that died between its tombstone and removing the stale lock left both
    String stale = JSON.writeValueAsString(holder(here(deadPid(), null), "20261125T020000Z", LEASE, clock.now()));
    Files.writeString(lockFile, stale);
    root.createExclusively(root.tombstone(root.lock(), stale), stale);
    long start = clock.nanoTime();
    try (LeaseLock lock = acquire("20261125T093000Z", NO_WAIT, LEASE, clock, SEES_ALL)) {
      assertThat(secondsSince(clock, start)).as("about one lease of the stale lock").isBetween(60.0, 61.0);
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
