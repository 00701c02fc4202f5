package org.mnistspark.retrain;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.mnistspark.lock.LeaseClock;
import org.mnistspark.lock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a retrain that overstays its timeout or loses its lock, and makes sure exactly one side
 * decides the run's outcome: the main thread (promote, keep or fail) or the guard (a "failed"
 * history line, then the JVM exits with code 1). The main thread claims the outcome right before
 * promoting, which fails once the deadline has passed or the lock is not held, so production never
 * changes after the deadline or without the lock. Should the deadline pass while the main thread is
 * finishing a claimed outcome, it gets a grace period, then the JVM exits without a history line;
 * the next retrain's recovery records what happened. Every deadline and wait is on a
 * {@link LeaseClock}, so tests run them on one they advance.
 */
final class RunGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunGuard.class);
  private static final Duration GRACE = Duration.ofSeconds(30);
  /** How often a wait for the other side looks again: well under the grace, and cheap. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** How the guard ends the process. */
  interface Exit {
    void exit(int code);
  }

  /** The run already ended, decided by the guard; the main thread must not write anything more. */
  static final class EndedException extends IOException {
    EndedException(String reason) {
      super(reason);
    }
  }

  private static final String MAIN = "main";

  private final RetrainRoot root;
  private final History history;
  private final LeaseLock lock;
  private final long timeoutSeconds;
  private final long deadline;
  private final PrintWriter err;
  private final Exit exit;
  private final Duration grace;
  private final LeaseClock clock;
  private LeaseClock.Repeating timeout;
  private LeaseClock.Repeating graceEnd;
  /** Who decided the outcome: null while open, {@link #MAIN}, or the guard's reason. */
  private String endedBy;
  /** The guard has written what it had to write (its history line), so the JVM may exit. */
  private boolean recorded;
  private boolean closed;

  RunGuard(RetrainRoot root, History history, LeaseLock lock, long timeoutSeconds, PrintWriter err, Exit exit,
      Duration grace, LeaseClock clock) {
    this.root = root;
    this.history = history;
    this.lock = lock;
    this.timeoutSeconds = timeoutSeconds;
    this.deadline = clock.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    this.err = err;
    this.exit = exit;
    this.grace = grace;
    this.clock = clock;
  }

  /** Guards the run that holds {@code lock}: a timeout of 0 means none; losing the lock ends it whatever. */
  static RunGuard start(RetrainRoot root, History history, LeaseLock lock, long timeoutSeconds, PrintWriter err) {
    return new RunGuard(root, history, lock, timeoutSeconds, err, RunGuard::exitJvm, GRACE, LeaseClock.SYSTEM).started();
  }

  RunGuard started() {
    if (timeoutSeconds > 0) {
      timeout = clock.once(TimeUnit.SECONDS.toNanos(timeoutSeconds), "retrain-timeout",
          () -> end("timed out after " + timeoutSeconds + " s", true));
    }
    lock.onLost(why -> end("lost the retrain lock: " + why, false));
    return this;
  }

  /**
   * Claims the run's outcome for the main thread; call it right before promoting or recording.
   *
   * @throws EndedException if the guard ended the run, or its deadline has passed
   * @throws IOException if the lock is no longer this run's
   */
  synchronized void claim() throws IOException {
    if (endedBy != null && !endedBy.equals(MAIN)) {
      throw new EndedException(endedBy);
    }
    if (timeoutSeconds > 0 && clock.nanoTime() >= deadline) {
      throw new EndedException("timed out after " + timeoutSeconds + " s");
    }
    lock.checkHeld();
    endedBy = MAIN;
  }

  /** Returns whether the main thread may record a failure: the guard has not recorded one. */
  synchronized boolean claimFailure() {
    if (endedBy != null && !endedBy.equals(MAIN)) {
      return false;
    }
    endedBy = MAIN;
    return true;
  }

  /** Waits a grace period at most, while the guard that ended the run exits the JVM. */
  void awaitExit() {
    awaitWithinGrace(() -> false);
  }

  /** Stops the watchdog; if the guard is ending the run, waits (a grace period at most) until its line is written. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      cancel(timeout);
      cancel(graceEnd);
    }
    awaitWithinGrace(this::decidedByMainOrRecorded);
  }

  private static void cancel(LeaseClock.Repeating task) {
    if (task != null) {
      task.cancel();
    }
  }

  private synchronized boolean decidedByMainOrRecorded() {
    return endedBy == null || endedBy.equals(MAIN) || recorded;
  }

  private void end(String reason, boolean release) {
    if (!claimFor(reason)) {
      if (mainEnding()) {
        endAfterGrace(reason);
      }
      return;
    }
    try {
      record(reason);
      err.println("mnist-job: " + reason + "; production unchanged");
      err.flush();
      if (release) {
        lock.close();
      }
    } finally {
      markRecorded();
    }
    exit.exit(1);
  }

  private synchronized boolean mainEnding() {
    return MAIN.equals(endedBy);
  }

  /** The main thread claimed the outcome before the deadline: it has a grace period to close the guard. */
  private synchronized void endAfterGrace(String reason) {
    if (closed || graceEnd != null) {
      return;
    }
    graceEnd = clock.once(grace.toNanos(), "retrain-grace", () -> {
      synchronized (this) {
        if (closed) {
          return;
        }
      }
      log.error("{} while finishing; exiting without a history line (the next retrain records the outcome)", reason);
      exit.exit(1);
    });
  }

  private synchronized void markRecorded() {
    recorded = true;
  }

  private synchronized boolean claimFor(String reason) {
    if (endedBy != null || closed) {
      return false;
    }
    endedBy = reason;
    return true;
  }

  /** Waits until {@code done} holds or the grace period has passed on the clock. */
  private void awaitWithinGrace(BooleanSupplier done) {
    long until = clock.nanoTime() + grace.toNanos();
    while (!done.getAsBoolean() && clock.nanoTime() < until) {
      try {
        clock.sleep(Math.min(POLL_NANOS, until - clock.nanoTime()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void record(String reason) {
    String run = lock.run();
    String production;
    try {
      production = root.productionRun().orElse(null);
    } catch (IOException | RuntimeException e) {
      production = null; // the line matters more than this field of it; the next retrain reports the file
    }
    try {
      history.append(HistoryEntry.now(run, null, production, null, History.FAILED, reason));
    } catch (IOException | RuntimeException e) {
      log.error("could not record the end of {} in history ({})", run, e.getMessage());
    }
  }

  /** Exits the JVM; halts it should a shutdown hook hang. */
  static void exitJvm(int code) {
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(GRACE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(code);
    }, "retrain-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(code);
  }
}
