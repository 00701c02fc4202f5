package org.mnistspark.retrain;

import java.time.Instant;

/**
 * One line of history.jsonl.
 *
 * @param time when the line was written, UTC, ISO-8601
 * @param run the run this line is about (for "reconciled", the run production names now)
 * @param accuracy that run's test accuracy; null if it has none (a failed run)
 * @param production the production run before this line; null if there was none
 * @param productionAccuracy production's accuracy on the same test set as {@code accuracy}; null if not measured
 * @param decision one of {@link History#PROMOTED}, {@link History#KEPT}, {@link History#FAILED}, {@link History#RECONCILED}
 * @param reason why, in one line
 */
public record HistoryEntry(
    String time, String run, Double accuracy, String production, Double productionAccuracy, String decision, String reason) {

  static HistoryEntry now(String run, Double accuracy, String production, Double productionAccuracy, String decision,
      String reason) {
    return new HistoryEntry(Instant.now().toString(), run, accuracy, production, productionAccuracy, decision, reason);
  }
}
