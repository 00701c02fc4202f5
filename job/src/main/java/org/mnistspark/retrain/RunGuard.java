package org.mnistspark.retrain;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * the next retrain's recovery records what happened.
 */
final class RunGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunGuard.class);
  private static final Duration GRACE = Duration.ofSeconds(30);

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
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "retrain-timeout");
    t.setDaemon(true);
    return t;
  });
  private ScheduledFuture<?> timeout;
  /** Who decided the outcome: null while open, {@link #MAIN}, or the guard's reason. */
  private String endedBy;
  /** The guard has written what it had to write (its history line), so the JVM may exit. */
  private boolean recorded;
  private boolean closed;

  RunGuard(RetrainRoot root, History history, LeaseLock lock, long timeoutSeconds, PrintWriter err, Exit exit,
      Duration grace) {
    this.root = root;
    this.history = history;
    this.lock = lock;
    this.timeoutSeconds = timeoutSeconds;
    this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    this.err = err;
    this.exit = exit;
    this.grace = grace;
  }

  /** Guards the run that holds {@code lock}: a timeout of 0 means none; losing the lock ends it whatever. */
  static RunGuard start(RetrainRoot root, History history, LeaseLock lock, long timeoutSeconds, PrintWriter err) {
    return new RunGuard(root, history, lock, timeoutSeconds, err, RunGuard::exitJvm, GRACE).started();
  }

  RunGuard started() {
    if (timeoutSeconds > 0) {
      timeout = timer.schedule(() -> end("timed out after " + timeoutSeconds + " s", true), timeoutSeconds,
          TimeUnit.SECONDS);
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
    if (timeoutSeconds > 0 && System.nanoTime() >= deadline) {
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
    try {
      Thread.sleep(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the watchdog; if the guard is ending the run, waits (a grace period at most) until its line is written. */
  @Override
  public void close() {
    if (timeout != null) {
      timeout.cancel(false);
    }
    timer.shutdown();
    synchronized (this) {
      closed = true;
      notifyAll();
      awaitWithinGrace(() -> endedBy == null || endedBy.equals(MAIN) || recorded);
    }
  }

  private void end(String reason, boolean release) {
    if (!claimFor(reason)) {
      if (mainEnding() && !awaitWithinGrace(() -> closed)) {
        log.error("{} while finishing; exiting without a history line (the next retrain records the outcome)", reason);
        exit.exit(1);
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

  private synchronized void markRecorded() {
    recorded = true;
    notifyAll();
  }

  private synchronized boolean claimFor(String reason) {
    if (endedBy != null || closed) {
      return false;
    }
    endedBy = reason;
    return true;
  }

  /** Waits on this guard's monitor until {@code done} holds or the grace period has passed; returns {@code done}. */
  private synchronized boolean awaitWithinGrace(BooleanSupplier done) {
    long until = System.nanoTime() + grace.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < until) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, until - System.nanoTime());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return done.getAsBoolean();
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
