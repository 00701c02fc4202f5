package org.mnistspark.retrain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which run folders to delete: all but the newest K, and never production or the run that was
 * production before it (a reader that read the production file a moment before a promotion may
 * still be loading it, and it is the rollback); none while history has a line it cannot read.
 */
public final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private Retention() {}

  /**
   * Returns the runs to delete, oldest first, keeping production and the previous production as
   * history records it. When history has a line it cannot read, it returns none and says so in one
   * log line: that line may be the one that records the previous production, which would then
   * resolve to an older run and leave the real one deletable.
   *
   * @param production the run the production file names, if any
   * @throws IllegalArgumentException if {@code keep} is below 1
   */
  public static List<String> toDelete(List<String> runs, Optional<String> production, History.Lines history,
      int keep) {
    List<String> delete = toDelete(runs, kept(production, history.entries()), keep);
    if (!history.unreadable().isEmpty() && !delete.isEmpty()) {
      log.warn("deleting none of the {} old runs: history line{} {} cannot be read, and may record the previous "
          + "production, which is never deleted; repair or remove {} to let old runs go", delete.size(),
          history.unreadable().size() == 1 ? "" : "s", history.unreadable(),
          history.unreadable().size() == 1 ? "it" : "them");
      return List.of();
    }
    return delete;
  }

  /** Production and the run that was production before it, as far as history says. */
  static Set<String> kept(Optional<String> production, List<HistoryEntry> history) {
    Set<String> kept = new HashSet<>();
    production.ifPresent(kept::add);
    production.flatMap(p -> History.previousProduction(history, p)).ifPresent(kept::add);
    return kept;
  }

  /**
   * Returns the runs to delete, oldest first.
   *
   * @param runs run names (UTC timestamps, so they sort by time), in any order
   * @param kept runs kept whatever their age: production and the previous production
   * @param keep how many of the newest runs to keep, >= 1
   * @throws IllegalArgumentException if {@code keep} is below 1
   */
  public static List<String> toDelete(List<String> runs, Set<String> kept, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    List<String> newestFirst = new ArrayList<>(runs);
    newestFirst.sort(Comparator.reverseOrder());
    List<String> delete = new ArrayList<>();
    for (int i = keep; i < newestFirst.size(); i++) {
      String run = newestFirst.get(i);
      if (!kept.contains(run)) {
        delete.add(run);
      }
    }
    delete.sort(null);
    return delete;
  }
}
