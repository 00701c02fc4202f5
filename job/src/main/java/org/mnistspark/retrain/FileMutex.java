package org.mnistspark.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.Path;
import org.mnistspark.Json;
import org.mnistspark.lock.ContentWatch;
import org.mnistspark.lock.LeaseClock;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.lock.ProcessView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short-held mutual exclusion between processes through a file created exclusively, on any file
 * system {@link RetrainRoot} supports. It is held for the moment of one small read-modify-replace.
 * The file names its holder ({@link ProcessIdentity}) and a lease the holder renews every third of
 * {@code staleAfter} while it holds it (a compare-and-swap, {@link RetrainRoot#replaceIfUnchanged}).
 * A waiter removes it (once, race-free: {@link RetrainRoot#removeIfUnchanged}) only when
 * <ul>
 *   <li>its holder's process is gone (checked as {@link LeaseLock} checks its holder): at once;
 *   <li>or its holder's liveness cannot be told (another host or pid namespace, a pid /proc hides,
 *       a file an earlier version wrote) and the file stayed unchanged, that is unrenewed, for
 *       {@code staleAfter} by the waiter's own clock.
 * </ul>
 * A holder whose process is seen running is never broken: the waiter gives up after its timeout.
 */
final class FileMutex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileMutex.class);

  /** What the file holds; times are UTC, ISO-8601. */
  record Holder(String token, ProcessIdentity process, String acquired, String renewed) {
    String describe() {
      return "process " + process.describe() + " since " + acquired + ", renewed " + renewed;
    }
  }

  private final RetrainRoot root;
  private final Path file;
  private final LeaseClock clock;
  private final Optional<Path> tomb;
  private Holder mine;
  private String written;
  private String lost;
  private LeaseClock.Repeating renewal;

  private FileMutex(RetrainRoot root, Path file, LeaseClock clock, Holder mine, String written, Optional<Path> tomb) {
    this.root = root;
    this.file = file;
    this.clock = clock;
    this.mine = mine;
    this.written = written;
    this.tomb = tomb;
  }

  /**
   * Creates {@code file} once no one else holds it, waiting up to {@code timeout}, reading
   * {@code clock} and seeing other processes through {@code processes}.
   *
   * @throws IOException if the file system fails, or someone kept it for all of {@code timeout}
   */
  static FileMutex acquire(RetrainRoot root, Path file, Duration staleAfter, Duration timeout, LeaseClock clock,
      ProcessView processes) throws IOException {
    String now = clock.now().toString();
    Holder me = new Holder(UUID.randomUUID().toString(), ProcessIdentity.SELF, now, now);
    String mine = json(me);
    ContentWatch watch = new ContentWatch(clock);
    Optional<Path> tomb = Optional.empty();
    long start = clock.nanoTime();
    while (true) {
      Optional<String> held = root.read(file);
      if (held.isEmpty()) {
        if (root.createExclusively(file, mine)) {
          return new FileMutex(root, file, clock, me, mine, tomb).startRenewing(staleAfter);
        }
        continue;
      }
      Optional<Holder> holder = parse(held.get());
      ProcessIdentity.Liveness liveness = holder.map(h -> h.process().liveness(processes))
          .orElse(ProcessIdentity.Liveness.UNKNOWN);
      if (liveness == ProcessIdentity.Liveness.GONE
          || liveness == ProcessIdentity.Liveness.UNKNOWN && watch.unchangedFor(held.get()).compareTo(staleAfter) >= 0) {
        Optional<Path> broke = breakStale(root, file, held.get(), liveness);
        if (broke.isPresent()) {
          deleteTomb(root, tomb);
          tomb = broke;
        }
        continue;
      }
      if (clock.nanoTime() - start > timeout.toNanos()) {
        throw new IOException(file + ": held for over " + timeout.toSeconds() + " s by "
            + holder.map(h -> h.describe() + (liveness == ProcessIdentity.Liveness.ALIVE ? ", which is running" : ""))
                .orElse(held.get().trim())
            + "; delete it if no retrain is running");
      }
      pause(clock);
    }
  }

  /** The tombstone of a stale holder this one removed on its way in, kept until {@link #close}. */
  Optional<Path> tomb() {
    return tomb;
  }

  /**
   * Throws unless the file still holds what this holder last wrote: call it right before the step
   * the mutex guards. (A check, not a guarantee: see {@link RetrainRoot#replaceIfUnchanged} for what
   * a holder that stalls longer than its lease can still do.)
   */
  synchronized void checkHeld() throws IOException {
    if (lost == null && !written.equals(root.read(file).orElse(null))) {
      lost = "changed by another process";
    }
    if (lost != null) {
      throw new IOException(file + ": no longer held (" + lost + "); nothing was written");
    }
  }

  /** One renewal of the lease; for the renewal thread and tests. */
  synchronized void renewNow() {
    if (lost != null || renewal == null) {
      return;
    }
    Holder next = new Holder(mine.token(), mine.process(), mine.acquired(), clock.now().toString());
    try {
      String content = json(next);
      if (root.replaceIfUnchanged(file, written, content)) {
        mine = next;
        written = content;
      } else {
        lost = "changed by another process";
        log.warn("{}: no longer ours at renewal (a waiter judged it stale)", file);
      }
    } catch (IOException | RuntimeException e) {
      // a passing failure: the next renewal tries again, well before a waiter judges it stale
      log.warn("{}: could not renew ({})", file, e.getMessage());
    }
  }

  /** Stops renewing, as a holder whose threads all stalled would; for tests. */
  synchronized void stopRenewing() {
    if (renewal != null) {
      renewal.cancel();
      renewal = null;
    }
  }

  /** Removes the file if it is still ours; deletes the tombstone of a stale holder this one broke. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      stopRenewing();
      if (!root.deleteIfUnchanged(file, written)) {
        log.warn("{}: no longer ours at release (a waiter judged it stale); left alone", file);
      }
    }
    deleteTomb(root, tomb);
  }

  private FileMutex startRenewing(Duration staleAfter) {
    renewal = clock.every(Math.max(1, staleAfter.toNanos() / 3), "file-mutex-lease", this::renewNow);
    return this;
  }

  private static Optional<Holder> parse(String content) {
    try {
      Holder h = Json.MAPPER.readValue(content, Holder.class);
      return h.token() == null || h.process() == null ? Optional.empty() : Optional.of(h);
    } catch (JsonProcessingException e) {
      return Optional.empty(); // an earlier version's one line: "TOKEN process PID on HOST at TIME"
    }
  }

  private static String json(Holder h) throws JsonProcessingException {
    return Json.LINE.writeValueAsString(h) + "\n";
  }

  private static void deleteTomb(RetrainRoot root, Optional<Path> tomb) throws IOException {
    if (tomb.isPresent()) {
      root.delete(tomb.get(), false);
    }
  }

  private static Optional<Path> breakStale(RetrainRoot root, Path file, String stale, ProcessIdentity.Liveness liveness)
      throws IOException {
    Optional<Path> tomb = root.removeIfUnchanged(file, stale);
    if (tomb.isPresent()) {
      log.warn("{}: removed a holder that stopped ({}); {}", file, stale.trim(),
          liveness == ProcessIdentity.Liveness.GONE ? "its process is gone" : "it left it unrenewed for too long");
    }
    return tomb;
  }

  /** A short random pause, so that waiters do not retry in step. */
  private static void pause(LeaseClock clock) throws IOException {
    try {
      clock.sleep((5 + ThreadLocalRandom.current().nextInt(25)) * 1_000_000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a file mutex", e);
    }
  }
}
