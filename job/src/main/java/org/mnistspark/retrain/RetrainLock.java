package org.mnistspark.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ROOT/retrain.lock: at most one retrain per root at a time. The file is created exclusively and
 * atomically and names its holder (host, process id and start, run, a random token). A lock whose
 * process is gone (same host; the process id is not running, or now belongs to a process that
 * started at another time) is stale and taken over. A lock from another host cannot be checked
 * and counts as live until it is released or deleted by hand.
 */
public final class RetrainLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetrainLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofSeconds(1);

  /** What the lock file holds. */
  public record Holder(String host, long pid, String processStart, String started, String run, String token) {
    String describe() {
      return "run " + run + ", process " + pid + " on " + host + ", started " + started;
    }
  }

  /** Another retrain holds the lock (and kept it for as long as we were willing to wait). */
  public static final class LockedException extends Exception {
    private final Holder holder;

    LockedException(Path lock, Holder holder, long waitedSeconds) {
      super(lock + ": another retrain holds the lock (" + holder.describe() + ")"
          + (waitedSeconds > 0 ? "; waited " + waitedSeconds + " s" : "")
          + (holder.host().equals(HOST) ? "" : "; it runs on another host, so if it is gone, delete the lock file"));
      this.holder = holder;
    }

    public Holder holder() {
      return holder;
    }
  }

  static final String HOST = hostName();

  private final RetrainRoot root;
  private Holder mine;
  private final Holder takenOver;

  private RetrainLock(RetrainRoot root, Holder mine, Holder takenOver) {
    this.root = root;
    this.mine = mine;
    this.takenOver = takenOver;
  }

  /**
   * Returns the lock of {@code root} for {@code run}, taking over a stale one, and waiting up to
   * {@code wait} while a live one is held.
   *
   * @throws LockedException if a live lock is still held after {@code wait}
   * @throws IOException if the file system fails, or the lock file is not one this job wrote
   */
  public static RetrainLock acquire(RetrainRoot root, String run, Duration wait) throws IOException, LockedException {
    ProcessHandle self = ProcessHandle.current();
    Holder me = new Holder(HOST, self.pid(), processStart(self).orElse(null), Instant.now().toString(), run,
        UUID.randomUUID().toString());
    String content = json(me);
    long start = System.nanoTime();
    Holder stale = null;
    while (true) {
      if (root.createExclusively(root.lock(), content)) {
        return new RetrainLock(root, me, stale);
      }
      Optional<String> held = root.read(root.lock());
      if (held.isEmpty()) {
        continue; // released between our two looks
      }
      Holder holder = parse(root.lock(), held.get());
      if (isStale(holder)) {
        if (takeOver(root, held.get())) {
          log.warn("{}: taking over a stale lock ({}): that process is gone", root.lock(), holder.describe());
          stale = holder;
        }
        continue;
      }
      long waited = (System.nanoTime() - start) / 1_000_000_000L;
      long left = wait.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        throw new LockedException(root.lock(), holder, waited);
      }
      if (waited == 0) {
        log.info("{}: held by {}; waiting up to {} s", root.lock(), holder.describe(), wait.toSeconds());
      }
      sleep(Math.min(left, POLL.toNanos()));
    }
  }

  /** The holder of a stale lock this retrain took over, if it did: a run that stopped without finishing. */
  public Optional<Holder> takenOver() {
    return Optional.ofNullable(takenOver);
  }

  public String run() {
    return mine.run();
  }

  /** Names another run in the lock (the holder keeps its token). */
  public void renameRun(String run) throws IOException {
    Holder renamed = new Holder(mine.host(), mine.pid(), mine.processStart(), mine.started(), run, mine.token());
    root.replace(root.lock(), json(renamed));
    mine = renamed;
  }

  /**
   * Deletes the lock file if it is still this retrain's. A failure to do so is logged, not thrown:
   * the run's outcome stands, and once this process has ended the lock is stale and the next run
   * on this host takes it over.
   */
  @Override
  public void close() {
    try {
      Optional<String> held = root.read(root.lock());
      if (held.isPresent() && mine.token().equals(parse(root.lock(), held.get()).token())) {
        root.delete(root.lock(), false);
      } else {
        log.warn("{}: no longer ours at release ({}); left alone", root.lock(), held.orElse("gone"));
      }
    } catch (IOException e) {
      log.error("{}: could not release the lock ({}); the next retrain on {} takes it over", root.lock(),
          e.getMessage(), HOST);
    }
  }

  /**
   * Returns whether {@code holder}'s process is gone. Only a process on this host can be checked;
   * a process id that now belongs to a process started at another time counts as gone.
   */
  static boolean isStale(Holder holder) {
    if (!HOST.equals(holder.host())) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(holder.pid());
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    Optional<String> start = processStart(process.get());
    return holder.processStart() != null && start.isPresent() && !start.get().equals(holder.processStart());
  }

  /**
   * Moves the stale lock aside and deletes it. If what was moved is no longer the stale content
   * (another retrain took it over and locked first), it is put back.
   *
   * @return whether the stale lock was removed by this call
   */
  private static boolean takeOver(RetrainRoot root, String staleContent) throws IOException {
    Path aside = root.temporary(root.lock(), "stale");
    if (!root.move(root.lock(), aside)) {
      return false;
    }
    String moved = root.read(aside).orElse("");
    if (!moved.equals(staleContent)) {
      root.createExclusively(root.lock(), moved);
      root.delete(aside, false);
      return false;
    }
    root.delete(aside, false);
    return true;
  }

  private static Holder parse(Path lock, String content) throws IOException {
    try {
      return JSON.readValue(content, Holder.class);
    } catch (JsonProcessingException e) {
      throw new IOException(lock + ": not a retrain lock (" + e.getOriginalMessage()
          + "); delete it if no retrain is running", e);
    }
  }

  private static String json(Holder h) throws JsonProcessingException {
    return JSON.writeValueAsString(h) + "\n";
  }

  private static Optional<String> processStart(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString);
  }

  private static void sleep(long nanos) throws IOException {
    try {
      Thread.sleep(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the retrain lock", e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "unknown-host";
    }
  }
}
