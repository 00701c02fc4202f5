package org.mnistspark.retrain;

import java.io.IOException;
import java.time.Duration;
import org.mnistspark.lock.LeaseClock;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.ProcessView;

/** ROOT/retrain.lock: at most one retrain per root at a time, as a {@link LeaseLock}. */
final class RetrainLock {
  private RetrainLock() {}

  /** The lock of {@code root} for {@code run}, as {@link LeaseLock#acquire} takes it. */
  static LeaseLock acquire(RetrainRoot root, String run, Duration wait, Duration lease)
      throws IOException, LeaseLock.LockedException {
    return acquire(root, run, wait, lease, LeaseClock.SYSTEM, ProcessView.SYSTEM);
  }

  /** As {@link #acquire(RetrainRoot, String, Duration, Duration)}, with these clocks and this view of processes. */
  static LeaseLock acquire(RetrainRoot root, String run, Duration wait, Duration lease, LeaseClock clock,
      ProcessView processes) throws IOException, LeaseLock.LockedException {
    return LeaseLock.acquire(root.files(), root.lock(), "retrain", run, wait, lease, clock, processes);
  }
}
