package org.mnistspark.study;

import org.mnistspark.report.Format;
import org.mnistspark.train.EpochStats;

/**
 * Progress lines and the ETA of the whole study: the mean wall time per epoch so far (training,
 * validation and each run's set-up included) times the epochs still to train. Pure: the caller
 * passes the clock.
 */
final class StudyProgress {
  private final int planned;
  private final long epochsToTrain;
  private final long startNanos;
  private long epochsDone;

  /**
   * @param planned runs in the plan, for "run 3/9"
   * @param runsToDo runs this invocation trains (those not yet in results.json)
   */
  StudyProgress(int planned, int runsToDo, int epochsPerRun, long startNanos) {
    this.planned = planned;
    this.epochsToTrain = (long) runsToDo * epochsPerRun;
    this.startNanos = startNanos;
  }

  /** Counts one finished epoch and returns the seconds the rest of the study should take. */
  double epochDone(long nowNanos) {
    epochsDone++;
    double perEpoch = (nowNanos - startNanos) / 1e9 / epochsDone;
    return perEpoch * (epochsToTrain - epochsDone);
  }

  /** "run 3/9 (standardize, seed 42)". */
  String run(StudyPlan.Run run) {
    return "run " + run.number() + "/" + planned + " (" + run + ")";
  }

  /** The line logged after each epoch. */
  String epochLine(StudyPlan.Run run, EpochStats s, int epochs, double etaSeconds) {
    return run(run) + ", epoch " + s.epoch() + "/" + epochs + ": validation accuracy "
        + Format.percent(s.validationAccuracy()) + ", train loss " + Format.loss(s.trainLoss()) + ", "
        + Format.seconds(s.seconds()) + " s, " + Format.rate(s.samplesPerSecond()) + " images/s; study ETA "
        + Format.duration(etaSeconds);
  }
}
