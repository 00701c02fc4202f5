package org.mnistspark.output;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.lock.AtomicFiles;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.Temporaries;

/**
 * OUT.lock beside an output folder: one run per output location at a time, so that a second run
 * on the same {@code --out} (two hand runs, a run and its {@code --resume}, a retrain's candidate and
 * a hand run) neither deletes the first one's checkpoints nor silently replaces its outputs. Beside
 * the folder rather than in it, because the folder is replaced whole. A {@link LeaseLock}: a holder
 * whose process ended, or that stopped renewing its lease, is taken over.
 */
public final class OutputLock implements AutoCloseable {
  public static final String SUFFIX = ".lock";
  /** Long enough for a driver paused by garbage collection; a holder that stopped blocks the location this long at most. */
  static final Duration LEASE = Duration.ofSeconds(60);

  private final LeaseLock lease;
  /** Releases the lock when the JVM exits with the run unfinished (a retrain's timeout ends it so). */
  private final Thread onExit;

  private OutputLock(LeaseLock lease) {
    this.lease = lease;
    this.onExit = new Thread(lease::close, "output-lock-release");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /**
   * Takes the lock of {@code out}, waiting up to {@code wait} while another run holds it; {@code out}
   * then checks it before each change of its files becomes visible.
   *
   * @throws InvalidOptionException naming the holder (process, host, since when) if it still holds the lock
   * @throws IOException if the file system fails, or the lock file is not one this job wrote
   */
  public static OutputLock acquire(OutputFolder out, Duration wait) throws IOException {
    return acquire(out, wait, LEASE);
  }

  static OutputLock acquire(OutputFolder out, Duration wait, Duration lease) throws IOException {
    try {
      OutputLock lock = new OutputLock(LeaseLock.acquire(new AtomicFiles(out.hadoop(), out.fileSystem()),
          fileOf(out.path()), "run", out.kind(), wait, lease));
      out.heldBy(lock);
      return lock;
    } catch (LeaseLock.LockedException e) {
      throw out.refuse(inUse(e.holder(), wait));
    }
  }

  /** The lock file of the output folder at {@code dir}. */
  public static Path fileOf(Path dir) {
    return new Path(dir.getParent(), dir.getName() + SUFFIX);
  }

  /** The stale lock this run took over: a run on the same location that stopped without finishing. */
  public Optional<LeaseLock.Stale> takenOver() {
    return lease.takenOver();
  }

  /** The writers whose leftovers this run may delete ({@link Temporaries}): itself, and the run whose stale lock it took over. */
  public Set<String> deletableWriters() {
    return Temporaries.deletableBy(takenOver().map(s -> s.holder().process()));
  }

  /** Throws unless this run still holds the lock; call it right before a change others must not make at the same time. */
  public void checkHeld() throws IOException {
    lease.checkHeld();
  }

  @Override
  public void close() {
    lease.close();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the hook is running or about to: it releases nothing more
    }
  }

  private static String inUse(LeaseLock.Holder h, Duration wait) {
    return "is in use by another " + h.run() + " run (process " + h.process().describe() + ", since " + h.started()
        + (wait.isZero() ? "" : "; waited " + wait.toSeconds() + " s") + "); try again when it has finished, or wait "
        + "for it with --out-lock-wait SECONDS";
  }
}
