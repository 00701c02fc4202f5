package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.lock.FakeClock;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.LockHooks;

/**
 * The watchdog and the lost-lock stop on a real lock and history, with the JVM exit replaced by a
 * recorder (the CLI test in RetrainIntegrationTest exits for real). The guard's deadlines run on a
 * clock the tests advance: what it does when time has passed shows at once, no test sleeps.
 */
class RunGuardTest {
  private static final String RUN = "20261125T093000Z";
  private static final String PRODUCTION = "20261124T093000Z";

  @TempDir Path tmp;
  private RetrainRoot root;
  private History history;
  private LeaseLock lock;
  private final StringWriter err = new StringWriter();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void open() throws Exception {
    root = RetrainRoot.open(tmp.toString(), new Configuration());
    root.setProduction(PRODUCTION);
    history = new History(root);
    lock = RetrainLock.acquire(root, RUN, Duration.ZERO, Duration.ofSeconds(60));
  }

  @AfterEach
  void close() {
    lock.close();
  }

  private RunGuard guard(long timeoutSeconds, Duration grace) {
    return new RunGuard(root, history, lock, timeoutSeconds, new PrintWriter(err, true), exit::complete, grace, clock)
        .started();
  }

  @Test
  void deadlineRecordsAFailedLineReleasesTheLockAndExits() throws Exception {
    try (RunGuard guard = guard(1, Duration.ofSeconds(5))) {
      clock.advance(Duration.ofMillis(999));
      assertThat(exit).isNotDone();
      assertThat(history.read()).isEmpty();
      clock.advance(Duration.ofMillis(1));
      assertThat(exit).isCompletedWithValue(1);
      HistoryEntry line = history.read().get(0);
      assertThat(line.run()).isEqualTo(RUN);
      assertThat(line.decision()).isEqualTo(History.FAILED);
      assertThat(line.reason()).isEqualTo("timed out after 1 s");
      assertThat(line.production()).isEqualTo(PRODUCTION);
      assertThat(err.toString()).isEqualTo("mnist-job: timed out after 1 s; production unchanged\n");
      assertThat(tmp.resolve(RetrainRoot.LOCK)).doesNotExist();
      // the main thread may neither promote nor record anything more
      assertThatThrownBy(guard::claim).isInstanceOf(RunGuard.EndedException.class).hasMessage("timed out after 1 s");
      assertThat(guard.claimFailure()).isFalse();
    }
    assertThat(history.read()).hasSize(1);
    assertThat(root.productionRun()).contains(PRODUCTION);
  }

  @Test
  void noTimeoutMeansNoDeadline() throws Exception {
    try (RunGuard guard = guard(0, Duration.ofSeconds(5))) {
      clock.advance(Duration.ofDays(365));
      assertThat(exit).isNotDone();
      guard.claim();
    }
    assertThat(history.read()).isEmpty();
  }

  @Test
  void lostLockEndsTheRunAndLeavesTheNewHoldersLock() throws Exception {
    try (RunGuard guard = guard(0, Duration.ofSeconds(5))) {
      String other = new ObjectMapper().writeValueAsString(RetrainLockTest.holder(RetrainLockTest.here(1, null),
          "20261125T100000Z", Duration.ofSeconds(60)));
      Files.writeString(tmp.resolve(RetrainRoot.LOCK), other);
      LockHooks.renewNow(lock);
      assertThat(exit).isCompletedWithValue(1);
      HistoryEntry line = history.read().get(0);
      assertThat(line.decision()).isEqualTo(History.FAILED);
      assertThat(line.reason()).startsWith("lost the retrain lock: taken over by run 20261125T100000Z, process 1 on ");
      assertThat(tmp.resolve(RetrainRoot.LOCK)).hasContent(other);
      assertThatThrownBy(guard::claim).isInstanceOf(RunGuard.EndedException.class);
    }
  }

  @Test
  void claimFailsWithoutTheLock() throws Exception {
    try (RunGuard guard = guard(0, Duration.ofSeconds(5))) {
      Files.delete(tmp.resolve(RetrainRoot.LOCK));
      assertThatThrownBy(guard::claim).isInstanceOf(IOException.class)
          .hasMessage("lost the retrain lock: " + root.lock() + " was deleted");
      // the main thread records its own failure
      assertThat(guard.claimFailure()).isTrue();
    }
  }

  @Test
  void runThatClaimedItsOutcomeBeforeTheDeadlineMayFinish() throws Exception {
    try (RunGuard guard = guard(1, Duration.ofSeconds(10))) {
      guard.claim();
      clock.advance(Duration.ofSeconds(2)); // past the deadline, finishing (promoting, recording) within the grace
    }
    clock.advance(Duration.ofSeconds(60));
    assertThat(exit).isNotDone();
    assertThat(history.read()).isEmpty();
  }

  @Test
  void runThatHangsAfterClaimingIsEndedAfterTheGrace() throws Exception {
    try (RunGuard guard = guard(1, Duration.ofSeconds(1))) {
      guard.claim();
      clock.advance(Duration.ofMillis(1999));
      assertThat(exit).isNotDone();
      clock.advance(Duration.ofMillis(1));
      assertThat(exit).isCompletedWithValue(1);
    }
    // no line: the outcome is unknown to the guard; the next run's recovery records it
    assertThat(history.read()).isEmpty();
  }
}
