package org.mnistspark.retrain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.output.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the retraining folder back to a consistent state after a run that stopped without
 * finishing, before the next run starts; called while holding the lock.
 * <ul>
 *   <li>Half-written files and folders (hidden temporaries) of the run that stopped are deleted.
 *   <li>A run whose process died holding the lock, or stopped renewing its lease, gets its "failed" line.
 *   <li>Production is the commit point of a promotion: a run that died after replacing production
 *       but before writing its history line gets a "reconciled" line, as does a production file
 *       changed by hand. So after recovery, history's last production is production.
 *   <li>A production file that does not name a run (empty after a power loss, garbled, unreadable,
 *       or deleted while history records a production) is an error: never "no production".
 * </ul>
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {}

  /**
   * Returns the history lines it appended.
   *
   * @throws RetrainRoot.ProductionPointerException if the production file exists but does not name
   *     a run, or is missing while history records a production; after recording the dead run, if
   *     any, and without reconciling: a pointer that cannot be read is never taken as "no production"
   */
  static List<HistoryEntry> recover(RetrainRoot root, History history, Optional<LeaseLock.Stale> stale)
      throws IOException {
    List<org.apache.hadoop.fs.Path> leftovers = new ArrayList<>(
        root.deleteLeftovers(Temporaries.deletableBy(stale.map(s -> s.holder().process()))));
    leftovers.addAll(history.deleteLeftovers());
    for (var p : leftovers) {
      log.warn("deleted {}, left half-written by a run that stopped", p);
    }
    Optional<LeaseLock.Holder> dead = stale.map(LeaseLock.Stale::holder);
    List<HistoryEntry> added = new ArrayList<>();
    Optional<String> recorded = History.lastProduction(history.read());
    Optional<String> production = Optional.empty();
    RetrainRoot.ProductionPointerException unreadable = null;
    try {
      production = root.productionRun();
      if (production.isEmpty() && recorded.isPresent()) {
        // no rename ever removes it: it was deleted, and the run it named is still the rollback
        throw new RetrainRoot.ProductionPointerException(root.production(), "is missing, but history last recorded "
            + recorded.get() + " as production", null);
      }
    } catch (RetrainRoot.ProductionPointerException e) {
      unreadable = e;
    }

    if (dead.isPresent() && (unreadable != null || !Objects.equals(dead.get().run(), production.orElse(null)))) {
      added.add(HistoryEntry.now(dead.get().run(), null, production.orElse(null), null, History.FAILED,
          "its process (" + dead.get().process().describe() + ", started " + dead.get().started() + ") "
              + stale.get().cause() + "; its lock was found stale"
              + (unreadable == null ? "" : "; whether it promoted before stopping is unknown, since production "
                  + "does not name a run")));
    }
    if (unreadable == null && !Objects.equals(production, recorded)) {
      boolean diedAfterPromoting = dead.isPresent() && production.isPresent() && production.get().equals(dead.get().run());
      String reason = "production names " + production.orElse("no run") + " but history last recorded "
          + recorded.orElse("none") + "; "
          + (diedAfterPromoting
              ? "its retrain process (" + dead.get().process().describe()
                  + ") stopped after promoting it, before recording it"
              : "production was changed outside retrain, or a retrain stopped between promoting and recording");
      added.add(HistoryEntry.now(production.orElse(null), accuracyOf(root, production), recorded.orElse(null), null,
          History.RECONCILED, reason));
    }
    for (HistoryEntry e : added) {
      log.warn("history: {} {}: {}", e.decision(), e.run(), e.reason());
      history.append(e);
    }
    if (unreadable != null) {
      throw unreadable;
    }
    return added;
  }

  /** The recorded test accuracy of {@code run}, or null when it cannot be read. */
  private static Double accuracyOf(RetrainRoot root, Optional<String> run) {
    if (run.isEmpty()) {
      return null;
    }
    try {
      return new ModelStore(root.hadoop()).readMetrics(root.run(run.get()).toString()).test().accuracy();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
