package org.mnistspark.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock file that at most one process holds at a time, on any file system {@link AtomicFiles}
 * supports: a retraining root's (one retrain per root) and an output location's (one run per
 * {@code --out}). The file is created exclusively and atomically; it names its holder
 * ({@link ProcessIdentity}, run, a random token) and carries a lease that a daemon thread renews every third of its length, rewriting {@code renewed} and
 * {@code expires} atomically, and only while the file still holds the holder's token and the lease
 * has not run out. A lock is stale, and the next one to ask for it takes it over, when
 * <ul>
 *   <li>its process is gone: checkable only where its pid means the same process to us (same boot
 *       id and pid namespace); then at once;
 *   <li>or its lease has expired: then only after this process has watched the file stay unchanged
 *       for one more lease, so a live holder whose clock lags ours keeps the lock it renews.
 * </ul>
 * A live lock is never taken over. A holder that finds its lock gone or taken, or its lease run
 * out, stops renewing, reports the loss ({@link #onLost}), and fails {@link #checkHeld}.
 */
public final class LeaseLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(500);

  /** What the lock file holds; times are UTC, ISO-8601. */
  public record Holder(String run, String token, ProcessIdentity process, String started, long leaseSeconds,
      String renewed, String expires) {

    static Holder fresh(String run, Duration lease) {
      Instant now = Instant.now();
      return new Holder(run, UUID.randomUUID().toString(), ProcessIdentity.SELF, now.toString(), lease.toSeconds(),
          now.toString(), now.plus(lease).toString());
    }

    Holder renewedAt(Instant t) {
      return new Holder(run, token, process, started, leaseSeconds, t.toString(), t.plus(lease()).toString());
    }

    Holder withRun(String newRun) {
      return new Holder(newRun, token, process, started, leaseSeconds, renewed, expires);
    }

    Duration lease() {
      return Duration.ofSeconds(leaseSeconds);
    }

    boolean expiredAt(Instant t) {
      return t.isAfter(Instant.parse(expires));
    }

    public String describe() {
      return "run " + run + ", process " + process.describe() + ", started " + started + ", lease until " + expires;
    }
  }

  /** A stale lock this holder took over, and what its process did: "stopped ...". */
  public record Stale(Holder holder, String cause) {}

  /** Another holder has the lock (and kept it for as long as we were willing to wait). */
  public static final class LockedException extends Exception {
    private final Holder holder;

    LockedException(Path lock, String noun, Holder holder, long waitedSeconds) {
      super(lock + ": another " + noun + " holds the lock (" + holder.describe() + ")"
          + (waitedSeconds > 0 ? "; waited " + waitedSeconds + " s" : ""));
      this.holder = holder;
    }

    public Holder holder() {
      return holder;
    }
  }

  private final AtomicFiles files;
  private final Path file;
  private final String noun;
  private final Stale takenOver;
  private final Optional<Path> tomb;
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lease-lock-renewal");
    t.setDaemon(true);
    return t;
  });
  private volatile Holder mine;
  private volatile String lost;
  private volatile Consumer<String> onLost = why -> {};
  private boolean released;

  private LeaseLock(AtomicFiles files, Path file, String noun, Holder mine, Stale takenOver, Optional<Path> tomb) {
    this.files = files;
    this.file = file;
    this.noun = noun;
    this.mine = mine;
    this.takenOver = takenOver;
    this.tomb = tomb;
  }

  /**
   * Returns the lock {@code file} for {@code run}, taking over a stale one, and waiting up to
   * {@code wait} while a live one is held (longer to confirm that an expired lease is not renewed);
   * its lease of {@code lease} (at least 1 s) is renewed until {@link #close}.
   *
   * @param noun what holds such a lock, for messages: "another NOUN holds the lock", "lost the NOUN lock"
   * @throws LockedException if a live lock is still held after {@code wait}
   * @throws IOException if the file system fails, or the lock file is not one this job wrote
   */
  public static LeaseLock acquire(AtomicFiles files, Path file, String noun, String run, Duration wait,
      Duration lease) throws IOException, LockedException {
    if (lease.toSeconds() < 1) {
      throw new IllegalArgumentException("lease " + lease + " is under 1 s");
    }
    Contest contest = new Contest(files, file, noun, wait);
    while (true) {
      Holder me = Holder.fresh(run, lease);
      if (files.createExclusively(file, json(me))) {
        return new LeaseLock(files, file, noun, me, sweepTombs(contest), contest.tomb).startRenewing();
      }
      Optional<String> held = files.read(file);
      if (held.isPresent()) {
        contest.consider(held.get(), parse(file, noun, held.get()));
      }
    }
  }

  /** The stale lock this holder took over, if it did: a run that stopped without finishing. */
  public Optional<Stale> takenOver() {
    return Optional.ofNullable(takenOver);
  }

  public String run() {
    return mine.run();
  }

  /** Calls {@code handler} with the reason, on the lease thread, if this holder finds it lost the lock. */
  public void onLost(Consumer<String> handler) {
    onLost = handler;
  }

  /**
   * Throws unless the lock file still holds this holder's token and its lease has time left:
   * call it right before a step that must not happen without the lock.
   */
  public synchronized void checkHeld() throws IOException {
    if (lost == null) {
      problem().ifPresent(this::lose);
    }
    if (lost != null) {
      throw new IOException("lost the " + noun + " lock: " + lost);
    }
  }

  /** Names another run in the lock (the holder keeps its token). */
  public synchronized void renameRun(String run) throws IOException {
    checkHeld();
    write(mine.withRun(run));
  }

  /** One heartbeat: renews the lease, or reports that the lock is lost. */
  void renewNow() {
    Optional<String> why;
    try {
      why = renew();
    } catch (IOException | RuntimeException e) {
      // a passing file-system error; the lease covers two more tries, and running out is a loss
      log.warn("{}: could not renew the lease ({}); it expires at {}", file, e.getMessage(), mine.expires());
      return;
    }
    why.ifPresent(onLost);
  }

  /** Stops renewing, as a hung holder would; for tests. */
  void stopRenewing() {
    heartbeat.shutdown();
  }

  /**
   * Stops renewing and deletes the lock file if it is still this holder's. A failure to delete it
   * is logged, not thrown: the run's outcome stands, and the lock is taken over once its lease has
   * expired.
   */
  @Override
  public void close() {
    heartbeat.shutdown();
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      release();
    }
    try {
      if (tomb.isPresent()) {
        files.delete(tomb.get(), false);
      }
    } catch (IOException e) {
      log.warn("{}: could not delete ({})", tomb.get(), e.getMessage());
    }
  }

  /**
   * Deletes the tombstones of other takeovers, returning the stale lock to record: the one this
   * acquire took over, or else one whose taker removed it and then lost the race to create the lock
   * to us (no one else records that run).
   */
  private static Stale sweepTombs(Contest contest) throws IOException {
    Stale stale = contest.stale;
    for (Path other : contest.files.hiddenSiblings(contest.file, "stale")) {
      if (contest.tomb.equals(Optional.of(other))) {
        continue;
      }
      if (stale == null) {
        stale = adopt(contest, other);
      }
      contest.files.delete(other, false);
    }
    return stale;
  }

  private static Stale adopt(Contest contest, Path tomb) throws IOException {
    Optional<String> content = contest.files.read(tomb);
    try {
      return content.isEmpty() ? null : staleOf(parse(tomb, contest.noun, content.get()));
    } catch (IOException e) {
      return null;
    }
  }

  private static Stale staleOf(Holder h) {
    boolean gone = ProcessIdentity.SELF.sharesPidsWith(h.process()) && h.process().isGone();
    return new Stale(h, gone ? "stopped before finishing" : "stopped renewing its lease (it expired at " + h.expires() + ")");
  }

  private LeaseLock startRenewing() {
    long every = mine.lease().toMillis() / 3;
    heartbeat.scheduleWithFixedDelay(this::renewNow, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Returns why the lock was just lost, or empty (renewed, or lost before). */
  private synchronized Optional<String> renew() throws IOException {
    if (lost != null) {
      return Optional.empty();
    }
    Optional<String> problem = problem();
    if (problem.isPresent()) {
      lose(problem.get());
      return problem;
    }
    write(mine.renewedAt(Instant.now()));
    return Optional.empty();
  }

  /** Why the lock is no longer this holder's, or empty while it is. */
  private Optional<String> problem() throws IOException {
    if (mine.expiredAt(Instant.now())) {
      return Optional.of("its lease expired at " + mine.expires() + " before it could be renewed");
    }
    Optional<String> held = files.read(file);
    if (held.isEmpty()) {
      return Optional.of(file + " was deleted");
    }
    Holder now;
    try {
      now = parse(file, noun, held.get());
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
    return now.token().equals(mine.token()) ? Optional.empty() : Optional.of("taken over by " + now.describe());
  }

  private void lose(String why) {
    lost = why;
    heartbeat.shutdown();
    log.error("{}: this {} ({}) lost the lock: {}", file, noun, mine.run(), why);
  }

  private void write(Holder h) throws IOException {
    files.replace(file, json(h));
    mine = h;
  }

  private void release() {
    try {
      Optional<String> held = files.read(file);
      if (held.isPresent() && mine.token().equals(parse(file, noun, held.get()).token())) {
        files.delete(file, false);
      } else {
        log.warn("{}: no longer ours at release ({}); left alone", file, held.orElse("gone"));
      }
    } catch (IOException e) {
      log.error("{}: could not release the lock ({}); the next {} takes it over when its lease has expired",
          file, e.getMessage(), noun);
    }
  }

  /** One acquire's view of the locks it meets: what it watched, what it took over, when it gives up. */
  private static final class Contest {
    private final AtomicFiles files;
    private final Path file;
    private final String noun;
    private final long start = System.nanoTime();
    private final long waitUntil;
    /** The first stale-looking lock met, and until when it is watched whatever the wait. */
    private String candidate;
    private long candidateUntil;
    private boolean announced;
    private final ContentWatch watch = new ContentWatch();
    private final ContentWatch blocked = new ContentWatch();
    private Stale stale;
    private Optional<Path> tomb = Optional.empty();

    Contest(AtomicFiles files, Path file, String noun, Duration wait) {
      this.files = files;
      this.file = file;
      this.noun = noun;
      this.waitUntil = start + wait.toNanos();
    }

    void consider(String content, Holder h) throws IOException, LockedException {
      boolean gone = ProcessIdentity.SELF.sharesPidsWith(h.process()) && h.process().isGone();
      boolean expired = h.expiredAt(Instant.now());
      // a live holder rewrites the file every third of a lease, whatever its clock says
      boolean confirmed = expired && watch.unchangedFor(content).compareTo(h.lease()) >= 0;
      if ((gone || confirmed) && takeOver(content, staleOf(h))) {
        return;
      }
      if ((gone || expired) && candidate == null) {
        // confirming a stale lock may take a lease of watching, whatever the wait; once only, so
        // that a live holder whose lease merely looks expired to our clock is not waited on forever
        candidate = content;
        candidateUntil = System.nanoTime() + h.lease().plus(POLL).toNanos();
      }
      waitOrGiveUp(h, content.equals(candidate) ? Math.max(waitUntil, candidateUntil) : waitUntil);
    }

    /** Returns whether the stale lock was removed, by this call. */
    private boolean takeOver(String content, Stale s) throws IOException {
      Optional<Path> removed = files.removeIfUnchanged(file, content);
      if (removed.isEmpty() && blocked.unchangedFor(content).compareTo(s.holder().lease()) >= 0) {
        // its tombstone has stood for a lease while the stale file stayed: that taker stopped halfway
        files.delete(files.tombstone(file, content), false);
        removed = files.removeIfUnchanged(file, content);
      }
      if (removed.isEmpty()) {
        return false;
      }
      log.warn("{}: taking over a stale lock ({}): its process {}", file, s.holder().describe(), s.cause());
      deleteTomb();
      tomb = removed;
      stale = s;
      return true;
    }

    private void waitOrGiveUp(Holder h, long giveUpAt) throws IOException, LockedException {
      long now = System.nanoTime();
      if (now >= giveUpAt) {
        deleteTomb();
        throw new LockedException(file, noun, h, (now - start) / 1_000_000_000L);
      }
      if (!announced) {
        log.info("{}: held by {}; waiting up to {} s", file, h.describe(), (giveUpAt - now) / 1_000_000_000L);
        announced = true;
      }
      sleep(Math.min(giveUpAt - now, POLL.toNanos()), noun);
    }

    private void deleteTomb() throws IOException {
      if (tomb.isPresent()) {
        files.delete(tomb.get(), false);
      }
    }
  }

  private static Holder parse(Path lock, String noun, String content) throws IOException {
    Holder h;
    try {
      h = JSON.readValue(content, Holder.class);
    } catch (JsonProcessingException e) {
      throw notALock(lock, noun, e.getOriginalMessage(), e);
    }
    if (h.token() == null || h.process() == null || h.expires() == null || h.leaseSeconds() < 1) {
      throw notALock(lock, noun, "no token, process, lease or expiry; an earlier version's lock?", null);
    }
    return h;
  }

  private static IOException notALock(Path lock, String noun, String why, Exception cause) {
    return new IOException(lock + ": not a " + noun + " lock (" + why + "); delete it if no " + noun + " is running",
        cause);
  }

  private static String json(Holder h) throws JsonProcessingException {
    return JSON.writeValueAsString(h) + "\n";
  }

  private static void sleep(long nanos, String noun) throws IOException {
    try {
      Thread.sleep(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the " + noun + " lock", e);
    }
  }
}
