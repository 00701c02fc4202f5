package org.mnistspark.retrain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which run folders to delete: all but the newest K, and never production or the run that was
 * production before it (a reader that read the production file a moment before a promotion may
 * still be loading it, and it is the rollback).
 */
public final class Retention {
  private Retention() {}

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
