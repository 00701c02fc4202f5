package org.mnistspark.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.mnistspark.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock file that at most one process holds at a time, on any file system {@link AtomicFiles}
 * supports: a retraining root's (one retrain per root) and an output location's (one run per
 * {@code --out}). The file is created exclusively and atomically; it names its holder
 * ({@link ProcessIdentity}, run, a random token) and carries a lease that a daemon thread renews
 * every third of its length, rewriting {@code renewed} and {@code expires} atomically, and only
 * while the lease has not run out and the file still holds exactly what the holder last wrote: a
 * compare-and-swap ({@link AtomicFiles#replaceIfUnchanged}, which says what guarantee remains), so
 * a renewal never replaces a lock someone else took over. Releasing deletes the file the same way.
 * A lock is stale, and the next one to ask for it takes it over, when
 * <ul>
 *   <li>its process is gone: checkable only where its pid means the same process to us (same boot
 *       id and pid namespace) and /proc shows every process (no {@code hidepid}); then at once;
 *   <li>or its lease has expired: then only after this process has watched the file stay unchanged
 *       for one more lease, so a live holder whose clock lags ours keeps the lock it renews. A holder
 *       whose liveness cannot be told (another host or namespace, a pid /proc hides) is live until then.
 * </ul>
 * A live lock is never taken over. A holder that finds its lock gone or taken, or its lease run
 * out, stops renewing, reports the loss ({@link #onLost}), and fails {@link #checkHeld}.
 */
public final class LeaseLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseLock.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /** What the lock file holds; times are UTC, ISO-8601. */
  public record Holder(String run, String token, ProcessIdentity process, String started, long leaseSeconds,
      String renewed, String expires) {

    static Holder fresh(String run, Duration lease, Instant now) {
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
  private final LeaseClock clock;
  private final Stale takenOver;
  private final Optional<Path> tomb;
  private volatile LeaseClock.Repeating heartbeat;
  private volatile Holder mine;
  /** Exactly what this holder last wrote to the lock file: what a renewal compares with. */
  private volatile String written;
  private volatile String lost;
  private volatile Consumer<String> onLost = why -> {};
  private boolean released;

  /** The lock {@code contest} won: {@code written} is {@code mine} as created; {@code takenOver} the stale lock it replaced, if any. */
  private LeaseLock(Contest contest, Holder mine, String written, Stale takenOver) {
    this.files = contest.files;
    this.file = contest.file;
    this.noun = contest.noun;
    this.clock = contest.clock;
    this.tomb = contest.tomb;
    this.mine = mine;
    this.written = written;
    this.takenOver = takenOver;
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
    return acquire(files, file, noun, run, wait, lease, LeaseClock.SYSTEM, ProcessView.SYSTEM);
  }

  /** As {@link #acquire(AtomicFiles, Path, String, String, Duration, Duration)}, with these clocks and this view of processes. */
  public static LeaseLock acquire(AtomicFiles files, Path file, String noun, String run, Duration wait,
      Duration lease, LeaseClock clock, ProcessView processes) throws IOException, LockedException {
    if (lease.toSeconds() < 1) {
      throw new IllegalArgumentException("lease " + lease + " is under 1 s");
    }
    Contest contest = new Contest(files, file, noun, wait, clock, processes);
    while (true) {
      Holder me = Holder.fresh(run, lease, clock.now());
      String content = json(me);
      if (files.createExclusively(file, content)) {
        return new LeaseLock(contest, me, content, sweepTombs(contest)).startRenewing();
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
    if (!write(mine.withRun(run))) {
      lose(problem().orElse("a contender claimed it to take it over"));
      checkHeld();
    }
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
    heartbeat.cancel();
  }

  /**
   * Stops renewing and deletes the lock file if it is still this holder's. A failure to delete it
   * is logged, not thrown: the run's outcome stands, and the lock is taken over once its lease has
   * expired.
   */
  @Override
  public void close() {
    heartbeat.cancel();
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
      // a claim note (a renewal or release in progress) is no lock
      return content.isEmpty() ? null : staleOf(parse(tomb, contest.noun, content.get()), contest.processes);
    } catch (IOException e) {
      return null;
    }
  }

  private static Stale staleOf(Holder h, ProcessView processes) {
    boolean gone = h.process().liveness(processes) == ProcessIdentity.Liveness.GONE;
    return new Stale(h, gone ? "stopped before finishing" : "stopped renewing its lease (it expired at " + h.expires() + ")");
  }

  private LeaseLock startRenewing() {
    heartbeat = clock.every(mine.lease().toNanos() / 3, "lease-lock-renewal", this::renewNow);
    return this;
  }

  /** Returns why the lock was just lost, or empty (renewed, or lost before). */
  private synchronized Optional<String> renew() throws IOException {
    if (lost != null) {
      return Optional.empty();
    }
    Optional<String> problem = problem();
    if (problem.isEmpty() && !write(mine.renewedAt(clock.now()))) {
      // changed between the check and the swap, and the swap did not replace it
      problem = Optional.of(problem().orElse("a contender claimed it to take it over"));
    }
    problem.ifPresent(this::lose);
    return problem;
  }

  /** Why the lock is no longer this holder's, or empty while it is. */
  private Optional<String> problem() throws IOException {
    if (mine.expiredAt(clock.now())) {
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
    heartbeat.cancel();
    log.error("{}: this {} ({}) lost the lock: {}", file, noun, mine.run(), why);
  }

  /** Replaces what this holder last wrote with {@code h}; false (nothing written) if the file holds anything else. */
  private boolean write(Holder h) throws IOException {
    String content = json(h);
    if (!files.replaceIfUnchanged(file, written, content)) {
      return false;
    }
    mine = h;
    written = content;
    return true;
  }

  private void release() {
    try {
      if (!files.deleteIfUnchanged(file, written)) {
        log.warn("{}: no longer ours at release ({}); left alone", file, files.read(file).orElse("gone"));
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
    private final LeaseClock clock;
    private final ProcessView processes;
    private final long start;
    private final long waitUntil;
    /** The first stale-looking lock met, and until when it is watched whatever the wait. */
    private String candidate;
    private long candidateUntil;
    private boolean announced;
    private final ContentWatch watch;
    private final ContentWatch blocked;
    private Stale stale;
    private Optional<Path> tomb = Optional.empty();

    Contest(AtomicFiles files, Path file, String noun, Duration wait, LeaseClock clock, ProcessView processes) {
      this.files = files;
      this.file = file;
      this.noun = noun;
      this.clock = clock;
      this.processes = processes;
      this.start = clock.nanoTime();
      this.waitUntil = start + wait.toNanos();
      this.watch = new ContentWatch(clock);
      this.blocked = new ContentWatch(clock);
    }

    void consider(String content, Holder h) throws IOException, LockedException {
      // a holder whose liveness cannot be told (hidepid, another host or namespace) is live until its lease ends
      boolean gone = h.process().liveness(processes) == ProcessIdentity.Liveness.GONE;
      boolean expired = h.expiredAt(clock.now());
      // a live holder rewrites the file every third of a lease, whatever its clock says
      boolean confirmed = expired && watch.unchangedFor(content).compareTo(h.lease()) >= 0;
      if ((gone || confirmed) && takeOver(content, staleOf(h, processes))) {
        return;
      }
      if ((gone || expired) && candidate == null) {
        // confirming a stale lock may take a lease of watching, whatever the wait; once only, so
        // that a live holder whose lease merely looks expired to our clock is not waited on forever
        candidate = content;
        candidateUntil = clock.nanoTime() + h.lease().plus(POLL).toNanos();
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
      long now = clock.nanoTime();
      if (now >= giveUpAt) {
        // a tombstone of ours stays: whoever created the lock after we removed the stale one sweeps
        // it and records that run (sweepTombs); deleting it first would lose the record
        throw new LockedException(file, noun, h, (now - start) / 1_000_000_000L);
      }
      if (!announced) {
        log.info("{}: held by {}; waiting up to {} s", file, h.describe(), (giveUpAt - now) / 1_000_000_000L);
        announced = true;
      }
      sleep(clock, Math.min(giveUpAt - now, POLL.toNanos()), noun);
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
      h = Json.MAPPER.readValue(content, Holder.class);
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
    return Json.LINE.writeValueAsString(h) + "\n";
  }

  private static void sleep(LeaseClock clock, long nanos, String noun) throws IOException {
    try {
      clock.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the " + noun + " lock", e);
    }
  }
}
