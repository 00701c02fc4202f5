package org.mnistspark.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ROOT/history.jsonl, one JSON object per line and per run. Appending rewrites the file through a
 * temporary sibling and an atomic rename, so a crash leaves the old file or the new one, never half
 * a line; it also works where append does not (S3). The lock holder is not the only writer (a run
 * that lost the lock records its failure; the watchdog records a timeout), and two read-then-replace
 * appends would lose one line, so each append holds ROOT/history.jsonl.lock ({@link FileMutex}).
 */
public final class History {
  private static final Logger log = LoggerFactory.getLogger(History.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The candidate became production. */
  public static final String PROMOTED = "promoted";
  /** The candidate was refused; production stayed. */
  public static final String KEPT = "kept";
  /** The run stopped with an error (or its process died); production stayed. */
  public static final String FAILED = "failed";
  /** Production differed from what history last recorded, and this line records what it is now. */
  public static final String RECONCILED = "reconciled";

  /** An append takes milliseconds; a mutex unchanged this long was left by an appender that died. */
  static final Duration STALE_AFTER = Duration.ofSeconds(30);
  static final Duration WAIT = Duration.ofSeconds(120);

  private final RetrainRoot root;
  private final Duration staleAfter;
  private final Duration wait;

  public History(RetrainRoot root) {
    this(root, STALE_AFTER, WAIT);
  }

  History(RetrainRoot root, Duration staleAfter, Duration wait) {
    this.root = root;
    this.staleAfter = staleAfter;
    this.wait = wait;
  }

  /** Returns every readable line, oldest first; an unreadable line is logged and skipped. */
  public List<HistoryEntry> read() throws IOException {
    List<HistoryEntry> entries = new ArrayList<>();
    String text = root.read(root.history()).orElse("");
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(JSON.readValue(line, HistoryEntry.class));
      } catch (JsonProcessingException e) {
        log.warn("{}: line {} is not a history entry, skipped ({})", root.history(), n, e.getOriginalMessage());
      }
    }
    return entries;
  }

  /** Appends {@code entry} as one line; concurrent appends all keep their lines. */
  public void append(HistoryEntry entry) throws IOException {
    String line = JSON.writeValueAsString(entry) + "\n";
    try (FileMutex m = FileMutex.acquire(root, root.historyLock(), staleAfter, wait)) {
      String text = root.read(root.history()).orElse("");
      if (!text.isEmpty() && !text.endsWith("\n")) {
        text += "\n";
      }
      root.replace(root.history(), text + line);
    }
  }

  /**
   * Deletes what an appender that died mid-append left: temporary copies of history.jsonl and
   * tombstones of broken mutexes. Holding the mutex makes it safe: only its holder writes these.
   *
   * @return the paths deleted
   */
  public List<Path> deleteLeftovers() throws IOException {
    List<Path> deleted = new ArrayList<>();
    try (FileMutex m = FileMutex.acquire(root, root.historyLock(), staleAfter, wait)) {
      List<Path> found = new ArrayList<>(root.hiddenSiblings(root.history(), "tmp"));
      found.addAll(root.hiddenSiblings(root.historyLock(), "stale"));
      for (Path p : found) {
        if (!m.tomb().equals(Optional.of(p)) && root.delete(p, false)) {
          deleted.add(p);
        }
      }
    }
    return deleted;
  }

  /**
   * Returns the run that was production before {@code current}: the latest run history recorded
   * as production (promoted or reconciled) that is not {@code current}.
   */
  public static Optional<String> previousProduction(List<HistoryEntry> entries, String current) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      HistoryEntry e = entries.get(i);
      if ((PROMOTED.equals(e.decision()) || RECONCILED.equals(e.decision())) && e.run() != null
          && !e.run().equals(current)) {
        return Optional.of(e.run());
      }
    }
    return Optional.empty();
  }

  /** Returns the run that history last recorded as production (promoted or reconciled), if any. */
  public static Optional<String> lastProduction(List<HistoryEntry> entries) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      HistoryEntry e = entries.get(i);
      if (PROMOTED.equals(e.decision()) || RECONCILED.equals(e.decision())) {
        return Optional.ofNullable(e.run());
      }
    }
    return Optional.empty();
  }
}
