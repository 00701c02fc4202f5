package org.mnistspark.retrain;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.Path;
import org.mnistspark.lock.ContentWatch;
import org.mnistspark.lock.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short-held mutual exclusion between processes through a file created exclusively, on any file
 * system {@link RetrainRoot} supports. It is held for the moment of one small read-modify-replace,
 * so a holder that died inside leaves a file that stays unchanged; a waiter that has seen the same
 * content for {@code staleAfter} removes it (once, race-free: {@link RetrainRoot#removeIfUnchanged}).
 */
final class FileMutex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileMutex.class);

  private final RetrainRoot root;
  private final Path file;
  private final String content;
  private final Optional<Path> tomb;

  private FileMutex(RetrainRoot root, Path file, String content, Optional<Path> tomb) {
    this.root = root;
    this.file = file;
    this.content = content;
    this.tomb = tomb;
  }

  /**
   * Creates {@code file} once no one else holds it, waiting up to {@code timeout}.
   *
   * @throws IOException if the file system fails, or someone kept it for all of {@code timeout}
   */
  static FileMutex acquire(RetrainRoot root, Path file, Duration staleAfter, Duration timeout) throws IOException {
    String mine = UUID.randomUUID() + " process " + ProcessIdentity.SELF.describe() + " at " + Instant.now() + "\n";
    ContentWatch watch = new ContentWatch();
    Optional<Path> tomb = Optional.empty();
    long start = System.nanoTime();
    while (true) {
      Optional<String> held = root.read(file);
      if (held.isEmpty()) {
        if (root.createExclusively(file, mine)) {
          return new FileMutex(root, file, mine, tomb);
        }
        continue;
      }
      if (watch.unchangedFor(held.get()).compareTo(staleAfter) >= 0) {
        Optional<Path> broke = breakStale(root, file, held.get());
        if (broke.isPresent()) {
          deleteTomb(root, tomb);
          tomb = broke;
        }
        continue;
      }
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new IOException(file + ": held for over " + timeout.toSeconds() + " s by " + held.get().trim()
            + "; delete it if no retrain is running");
      }
      pause();
    }
  }

  /** The tombstone of a stale holder this one removed on its way in, kept until {@link #close}. */
  Optional<Path> tomb() {
    return tomb;
  }

  /** Removes the file if it is still ours; deletes the tombstone of a stale holder this one broke. */
  @Override
  public void close() throws IOException {
    if (content.equals(root.read(file).orElse(null))) {
      root.delete(file, false);
    } else {
      log.warn("{}: no longer ours at release (a waiter judged it stale); left alone", file);
    }
    deleteTomb(root, tomb);
  }

  private static void deleteTomb(RetrainRoot root, Optional<Path> tomb) throws IOException {
    if (tomb.isPresent()) {
      root.delete(tomb.get(), false);
    }
  }

  private static Optional<Path> breakStale(RetrainRoot root, Path file, String stale) throws IOException {
    Optional<Path> tomb = root.removeIfUnchanged(file, stale);
    if (tomb.isPresent()) {
      log.warn("{}: removed a holder that stopped ({}); it left it unchanged for too long", file, stale.trim());
    }
    return tomb;
  }

  /** A short random pause, so that waiters do not retry in step. */
  private static void pause() throws IOException {
    try {
      Thread.sleep(5 + ThreadLocalRandom.current().nextInt(25));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a file mutex", e);
    }
  }
}
