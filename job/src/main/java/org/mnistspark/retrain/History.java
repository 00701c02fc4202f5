package org.mnistspark.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.mnistspark.Json;
import org.mnistspark.lock.LeaseClock;
import org.mnistspark.lock.ProcessView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ROOT/history.jsonl, one JSON object per line and per run. Appending rewrites the file through a
 * temporary sibling and an atomic rename, so a crash leaves the old file or the new one, never half
 * a line; it also works where append does not (S3). The lock holder is not the only writer (a run
 * that lost the lock records its failure; the watchdog records a timeout), and two read-then-replace
 * appends would lose one line, so each append holds ROOT/history.jsonl.lock ({@link FileMutex}),
 * which is never broken while its holder is seen running.
 */
public final class History {
  private static final Logger log = LoggerFactory.getLogger(History.class);

  /** The candidate became production. */
  public static final String PROMOTED = "promoted";
  /** The candidate was refused; production stayed. */
  public static final String KEPT = "kept";
  /** The run stopped with an error (or its process died); production stayed. */
  public static final String FAILED = "failed";
  /** Production differed from what history last recorded, and this line records what it is now. */
  public static final String RECONCILED = "reconciled";

  private static final List<String> DECISIONS = List.of(PROMOTED, KEPT, FAILED, RECONCILED);

  /**
   * The mutex's lease: its holder renews it every third of this, and a waiter that cannot tell
   * whether the holder runs breaks it once it stayed unrenewed this long.
   */
  static final Duration STALE_AFTER = Duration.ofSeconds(30);
  static final Duration WAIT = Duration.ofSeconds(120);

  private final RetrainRoot root;
  private final Duration staleAfter;
  private final Duration wait;
  private final LeaseClock clock;
  private final ProcessView processes;

  public History(RetrainRoot root) {
    this(root, STALE_AFTER, WAIT, LeaseClock.SYSTEM, ProcessView.SYSTEM);
  }

  History(RetrainRoot root, Duration staleAfter, Duration wait, LeaseClock clock, ProcessView processes) {
    this.root = root;
    this.staleAfter = staleAfter;
    this.wait = wait;
    this.clock = clock;
    this.processes = processes;
  }

  /**
   * What history.jsonl holds.
   *
   * @param entries its entries, oldest first
   * @param unreadable the numbers (from 1) of the lines that are not entries: not JSON of one, or
   *     with no known decision; left out of {@code entries}
   */
  public record Lines(List<HistoryEntry> entries, List<Integer> unreadable) {
    public Lines {
      entries = List.copyOf(entries);
      unreadable = List.copyOf(unreadable);
    }
  }

  /** Returns every readable line, oldest first; an unreadable line is logged and skipped. */
  public List<HistoryEntry> read() throws IOException {
    return readLines().entries();
  }

  /** Returns every line: the entries, and which lines are not entries (each logged). */
  public Lines readLines() throws IOException {
    List<HistoryEntry> entries = new ArrayList<>();
    List<Integer> unreadable = new ArrayList<>();
    String text = root.read(root.history()).orElse("");
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        HistoryEntry e = Json.MAPPER.readValue(line, HistoryEntry.class);
        if (!DECISIONS.contains(e.decision())) {
          throw new IllegalArgumentException("decision " + e.decision() + " is none of " + DECISIONS);
        }
        entries.add(e);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        unreadable.add(n);
        log.warn("{}: line {} is not a history entry, skipped ({})", root.history(), n,
            e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
      }
    }
    return new Lines(entries, unreadable);
  }

  /** Appends {@code entry} as one line; concurrent appends all keep their lines. */
  public void append(HistoryEntry entry) throws IOException {
    String line = Json.LINE.writeValueAsString(entry) + "\n";
    try (FileMutex m = mutex()) {
      String text = root.read(root.history()).orElse("");
      if (!text.isEmpty() && !text.endsWith("\n")) {
        text += "\n";
      }
      m.checkHeld();
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
    try (FileMutex m = mutex()) {
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

  private FileMutex mutex() throws IOException {
    return FileMutex.acquire(root, root.historyLock(), staleAfter, wait, clock, processes);
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
