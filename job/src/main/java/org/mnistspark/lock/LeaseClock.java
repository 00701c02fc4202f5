package org.mnistspark.lock;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clocks that {@link LeaseLock} and the retrain history's mutex read, how they wait, and how they
 * renew a lease, in one place, so that tests can run leases of minutes in no time with a clock
 * they advance. {@link #SYSTEM} is the real one.
 */
public interface LeaseClock {
  /** Wall-clock time: what lease files record and compare with other hosts' records. */
  Instant now();

  /** Monotonic nanoseconds: how long this process has watched something. */
  long nanoTime();

  /** Waits {@code nanos} (at least a millisecond). */
  void sleep(long nanos) throws InterruptedException;

  /**
   * Runs {@code task} every {@code periodNanos}, the first time after one period, on a daemon
   * thread named {@code name}, until the returned handle is cancelled.
   */
  Repeating every(long periodNanos, String name, Runnable task);

  /**
   * Runs {@code task} once, {@code delayNanos} from now, on a daemon thread named {@code name},
   * unless the returned handle is cancelled first; cancel it when done, which also ends the thread.
   */
  default Repeating once(long delayNanos, String name, Runnable task) {
    AtomicBoolean ran = new AtomicBoolean();
    return every(delayNanos, name, () -> {
      if (!ran.getAndSet(true)) {
        task.run();
      }
    });
  }

  /** A task started by {@link #every} or {@link #once}. */
  interface Repeating {
    /** Stops it; a run in progress finishes. */
    void cancel();
  }

  LeaseClock SYSTEM = new LeaseClock() {
    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      Thread.sleep(Math.max(1, nanos / 1_000_000));
    }

    @Override
    public Repeating every(long periodNanos, String name, Runnable task) {
      ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
      thread.scheduleWithFixedDelay(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
      return thread::shutdown;
    }
  };
}
