package org.mnistspark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.JobConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping both trainers share: a training clock that stops while validating, the
 * validation curve, the per-epoch statistics, the progress log and the early-stop rules.
 */
final class TrainingProgress {
  private static final Logger log = LoggerFactory.getLogger(TrainingProgress.class);
  private final JobConfig config;
  private final long trainCount;
  private final DistributedTrainer.EpochListener listener;
  private final List<ValidationPoint> curve = new ArrayList<>();
  private final List<EpochStats> epochs = new ArrayList<>();
  private long trainNanos;
  private long imagesFitted;
  private String stoppedEarly;
  private ModelState best;
  private ValidationPoint bestPoint;
  private ValidationPoint bestEpochEnd;
  private final LongSupplier clock;
  private long lastProgressNanos;
  private double lastProgressFraction;

  TrainingProgress(JobConfig config, long trainCount, DistributedTrainer.EpochListener listener) {
    this(config, trainCount, listener, System::nanoTime);
  }

  TrainingProgress(JobConfig config, long trainCount, DistributedTrainer.EpochListener listener, LongSupplier clock) {
    this.config = config;
    this.trainCount = trainCount;
    this.listener = listener;
    this.clock = clock;
    this.lastProgressNanos = clock.getAsLong();
  }

  /** Adds a stretch of training (not validation) time and the images it fitted. */
  void trained(long nanos, long images) {
    trainNanos += nanos;
    imagesFitted += images;
  }

  double trainSeconds() {
    return trainNanos / 1e9;
  }

  /**
   * Logs where an epoch is after {@code done} of its {@code steps} averaging rounds (or minibatches):
   * at least every 10% of the epoch, and no more often than every 15 s, so a long epoch on a real
   * cluster says how it is doing without flooding a short one's log.
   *
   * @return the line logged, or null when none was due
   */
  String stepDone(int epoch, int done, int steps, String unit, long epochImages, double epochSeconds) {
    double fraction = done / (double) steps;
    long now = clock.getAsLong();
    if (done == steps || fraction - lastProgressFraction < 0.1 - 1e-9 || now - lastProgressNanos < 15_000_000_000L) {
      return null;
    }
    lastProgressNanos = now;
    lastProgressFraction = fraction;
    double perSecond = epochImages / epochSeconds;
    double epochEta = epochSeconds / fraction - epochSeconds;
    double runEta = epochEta + (config.epochs() - epoch) * epochSeconds / fraction;
    String line = String.format(Locale.ROOT, "epoch %d/%d: %d of %d %s (%.0f%%), %.0f samples/s, ETA %.0f s for the "
        + "epoch, %.0f s for the run", epoch, config.epochs(), done, steps, unit, 100 * fraction, perSecond, epochEta, runEta);
    log.info(line);
    return line;
  }

  /** A new epoch: progress lines count from its start. */
  void epochStarted() {
    lastProgressFraction = 0;
  }

  /**
   * Whether to validate after step {@code done} (1-based) of an epoch's {@code steps}: {@code perEpoch}
   * checks spread evenly (at most one per step), the last one always after the last step.
   */
  static boolean checkDue(int done, int steps, int perEpoch) {
    int checks = Math.min(perEpoch, steps);
    return (long) done * checks / steps > (long) (done - 1) * checks / steps;
  }

  /**
   * Records a validation check at {@code epoch} (fractional) and returns whether training should
   * stop: stop-at-validation-accuracy reached, or max-train-seconds spent.
   */
  boolean validated(double epoch, double accuracy, Double loss, Supplier<ModelState> snapshot) {
    ValidationPoint point = new ValidationPoint(epoch, imagesFitted, trainSeconds(), accuracy, loss);
    curve.add(point);
    if (config.keepBestValidation() && (bestPoint == null || accuracy > bestPoint.accuracy())) {
      best = snapshot.get();
      bestPoint = point;
    }
    log.info(String.format(Locale.ROOT, "epoch %.2f: validation accuracy %.4f%s after %.1f s of training, %d images fitted",
        epoch, accuracy, loss == null ? "" : String.format(Locale.ROOT, ", loss %.4f", loss), trainSeconds(), imagesFitted));
    double target = config.stopAtValidationAccuracy();
    if (target > 0 && accuracy >= target && stoppedEarly == null) {
      stoppedEarly = String.format(Locale.ROOT, "validation accuracy %.4f reached stop-at-validation-accuracy %.4f at epoch %.2f",
          accuracy, target, epoch);
      log.info("stopping: {}", stoppedEarly);
      return true;
    }
    if (plateaued(epoch, point) && stoppedEarly == null) {
      stoppedEarly = String.format(Locale.ROOT, "no validation improvement for %d epochs at epoch %.0f (early-stop-patience; "
          + "best %.4f at epoch %.0f)", config.earlyStopPatience(), epoch, bestEpochEnd.accuracy(), bestEpochEnd.epoch());
      log.info("stopping: {}", stoppedEarly);
      return true;
    }
    double limit = config.maxTrainSeconds();
    if (limit > 0 && trainSeconds() >= limit && stoppedEarly == null) {
      stoppedEarly = String.format(Locale.ROOT, "max-train-seconds %.1f spent at epoch %.2f (validation accuracy %.4f)",
          limit, epoch, accuracy);
      log.info("stopping: {}", stoppedEarly);
      return true;
    }
    return false;
  }

  /**
   * Whether the check at {@code epoch} ends an epoch that has not improved on the best epoch-end
   * accuracy for early-stop-patience epochs, as Keras' EarlyStopping judges it.
   */
  private boolean plateaued(double epoch, ValidationPoint point) {
    if (epoch != Math.rint(epoch)) {
      return false;
    }
    if (bestEpochEnd == null || point.accuracy() > bestEpochEnd.accuracy()) {
      bestEpochEnd = point;
      return false;
    }
    int patience = config.earlyStopPatience();
    return patience > 0 && epoch - bestEpochEnd.epoch() >= patience;
  }

  /** Shows the listener the untrained network, as the first point of its measurements. */
  void started(Supplier<MultiLayerNetwork> network) {
    listener.networkAt(0, 0, network);
  }

  /**
   * Records a finished (or early-stopped) epoch, logs it and tells the listener, showing it a
   * network that holds the epoch's last parameters.
   */
  void epochDone(int epoch, double seconds, long fitted, double trainLoss, double validationAccuracy, Double validationLoss,
      Supplier<MultiLayerNetwork> network) {
    EpochStats s = new EpochStats(epoch, seconds, fitted / seconds, trainLoss, validationAccuracy, fitted, validationLoss);
    epochs.add(s);
    if (fitted >= 0 && fitted != trainCount && stoppedEarly == null) {
      log.warn("epoch {} fitted {} of the {} training images", epoch, fitted, trainCount);
    }
    double meanSeconds = epochs.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
    log.info(String.format(Locale.ROOT,
        "epoch %d/%d: train loss %.4f, validation accuracy %.4f, %.1f s, %d images, %.0f samples/s, ETA %.0f s",
        epoch, config.epochs(), trainLoss, validationAccuracy, seconds, fitted, s.samplesPerSecond(),
        meanSeconds * (config.epochs() - epoch)));
    // a run that stops early ends here, so listeners that act on the last epoch (the probes) see it as last
    listener.epochDone(s, stoppedEarly == null ? config.epochs() : epoch);
    listener.networkAt(epoch, imagesFitted, network);
  }

  /** The state after epoch {@code epoch} with {@code model}, for a checkpoint. */
  TrainingState state(int epoch, ModelState model) {
    return new TrainingState(epoch, model, best,
        new ProgressState(curve, epochs, trainNanos, imagesFitted, bestPoint, bestEpochEnd));
  }

  /**
   * Continues from a checkpoint's state: later checks, early stops and the kept parameters are
   * decided as in the run that wrote it. Logs where it resumes.
   */
  void resume(TrainingState from) {
    ProgressState p = from.progress();
    curve.addAll(p.curve());
    epochs.addAll(p.epochs());
    trainNanos = p.trainNanos();
    imagesFitted = p.imagesFitted();
    best = from.best();
    bestPoint = p.bestPoint();
    bestEpochEnd = p.bestEpochEnd();
    log.info(String.format(Locale.ROOT, "resuming after epoch %d/%d: %.1f s of training and %d images fitted so far",
        from.epoch(), config.epochs(), trainSeconds(), imagesFitted));
  }

  List<EpochStats> epochs() {
    return List.copyOf(epochs);
  }

  List<ValidationPoint> curve() {
    return List.copyOf(curve);
  }

  /**
   * Puts the parameters of the best validation check into {@code net} when keep-best-validation
   * is on (as Keras' restore_best_weights): model selection on the validation split, never the test set.
   */
  void restoreBest(MultiLayerNetwork net) {
    if (best != null) {
      best.applyTo(net);
      log.info(String.format(Locale.ROOT, "keeping the parameters of the best validation check: epoch %.2f, accuracy %.4f",
          bestPoint.epoch(), bestPoint.accuracy()));
    }
  }

  /** The check whose parameters the trained network holds; null without keep-best-validation. */
  ValidationPoint kept() {
    return bestPoint;
  }

  String stoppedEarly() {
    return stoppedEarly;
  }
}
