package org.mnistspark.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LeaseClock} that only moves when a test advances it, or when code under test sleeps on
 * it: a sleep advances it at once and runs, in the sleeping thread and in time order, every
 * repeating task (a lease renewal) that falls due. So a lease of minutes runs out in milliseconds,
 * and no test sleeps past a deadline.
 */
public final class FakeClock implements LeaseClock {
  private final Instant epoch;
  private long nanos;
  private final List<Task> tasks = new ArrayList<>();

  private final class Task implements Repeating {
    final long period;
    final Runnable run;
    long due;

    Task(long period, Runnable run) {
      this.period = period;
      this.run = run;
      this.due = nanos + period;
    }

    @Override
    public void cancel() {
      synchronized (FakeClock.this) {
        tasks.remove(this);
      }
    }
  }

  public FakeClock(Instant start) {
    this.epoch = start;
  }

  public FakeClock() {
    this(Instant.now());
  }

  @Override
  public synchronized Instant now() {
    return epoch.plusNanos(nanos);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public void sleep(long n) {
    advance(Duration.ofNanos(Math.max(1_000_000, n)));
  }

  @Override
  public synchronized Repeating every(long periodNanos, String name, Runnable task) {
    Task t = new Task(periodNanos, task);
    tasks.add(t);
    return t;
  }

  /** Moves the clock on by {@code d}, running the repeating tasks that fall due on the way. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = nanos + d.toNanos();
    }
    while (true) {
      Task next = null;
      synchronized (this) {
        for (Task t : tasks) {
          if (t.due <= target && (next == null || t.due < next.due)) {
            next = t;
          }
        }
        if (next == null) {
          nanos = target;
          return;
        }
        nanos = Math.max(nanos, next.due);
        next.due += next.period;
      }
      next.run.run(); // outside the monitor: a task may read the clock or cancel itself
    }
  }

  /** How many repeating tasks are running. */
  public synchronized int running() {
    return tasks.size();
  }
}
