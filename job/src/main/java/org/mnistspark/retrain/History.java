package org.mnistspark.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ROOT/history.jsonl, one JSON object per line and per run. Appending rewrites the file through a
 * temporary sibling and an atomic rename (the lock holder is the only writer), so a crash leaves
 * the old file or the new one, never half a line; it also works where append does not (S3).
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

  private final RetrainRoot root;

  public History(RetrainRoot root) {
    this.root = root;
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

  /** Appends {@code entry} as one line. */
  public void append(HistoryEntry entry) throws IOException {
    String text = root.read(root.history()).orElse("");
    if (!text.isEmpty() && !text.endsWith("\n")) {
      text += "\n";
    }
    root.replace(root.history(), text + JSON.writeValueAsString(entry) + "\n");
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
