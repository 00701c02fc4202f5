package org.mnistspark.lock;

import java.time.Duration;

/**
 * How long a file has held the same content, by this process's monotonic clock. A holder that is
 * alive rewrites its file (a lease renewal) or removes it (a short mutex), so content unchanged
 * for long enough means the holder stopped; no other machine's clock is involved.
 */
public final class ContentWatch {
  private final LeaseClock clock;
  private String content;
  private long since;

  public ContentWatch(LeaseClock clock) {
    this.clock = clock;
  }

  /** Returns how long {@code seen} has been the content at every call since it first appeared. */
  public Duration unchangedFor(String seen) {
    long now = clock.nanoTime();
    if (!seen.equals(content)) {
      content = seen;
      since = now;
    }
    return Duration.ofNanos(now - since);
  }
}
