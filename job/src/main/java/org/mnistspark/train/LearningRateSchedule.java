package org.mnistspark.train;

import org.mnistspark.config.Decay;
import org.mnistspark.config.JobConfig;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate by training step: a linear warm-up over {@code warmupSteps}, then {@link Decay}
 * over the rest of the planned steps. Read by step (the network's iteration count), not by epoch,
 * so a resumed run, whose checkpoint restores the iteration count, continues it exactly; and in
 * parameter averaging the count is the steps one worker took, the same clock as Adam's bias
 * correction.
 *
 * <p>Written here rather than composed from DL4J's schedules: 1.0.0-M2 has no cosine, and its
 * {@code RampSchedule} (the warm-up) has no JSON creator, so a saved model holding one cannot be
 * read back, nor can the resident workers build their networks from the configuration's JSON.
 */
public final class LearningRateSchedule implements ISchedule {
  private static final long serialVersionUID = 1L;
  private final double initial;
  private final Decay decay;
  private final double finalFraction;
  private final int warmupSteps;
  private final int totalSteps;

  public LearningRateSchedule(@JsonProperty("initial") double initial, @JsonProperty("decay") Decay decay,
      @JsonProperty("finalFraction") double finalFraction, @JsonProperty("warmupSteps") int warmupSteps,
      @JsonProperty("totalSteps") int totalSteps) {
    this.initial = initial;
    this.decay = decay;
    this.finalFraction = finalFraction;
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
  }

  /** The schedule of {@code config}'s run when each worker takes {@code stepsPerEpoch} steps per epoch. */
  public static LearningRateSchedule of(JobConfig config, int stepsPerEpoch) {
    int total = Math.max(1, config.epochs() * stepsPerEpoch);
    int warmup = (int) Math.min(total - 1L, Math.round(config.warmupEpochs() * stepsPerEpoch));
    return new LearningRateSchedule(config.learningRate(), config.learningRateDecay(), config.finalLearningRateFraction(),
        warmup, total);
  }

  /** {@code iteration}: steps taken so far (0 for the first); the epoch is not read. */
  @Override
  public double valueAt(int iteration, int epoch) {
    if (iteration < warmupSteps) {
      return initial * (iteration + 1) / warmupSteps;
    }
    double t = (iteration - warmupSteps) / (double) Math.max(1, totalSteps - 1 - warmupSteps);
    return initial * decay.factor(t, finalFraction);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearningRateSchedule s && s.initial == initial && s.decay == decay && s.finalFraction == finalFraction
        && s.warmupSteps == warmupSteps && s.totalSteps == totalSteps;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(initial, decay, finalFraction, warmupSteps, totalSteps);
  }

  @Override
  public ISchedule clone() {
    return new LearningRateSchedule(initial, decay, finalFraction, warmupSteps, totalSteps);
  }

  @JsonProperty
  public double getInitial() {
    return initial;
  }

  @JsonProperty
  public Decay getDecay() {
    return decay;
  }

  @JsonProperty
  public double getFinalFraction() {
    return finalFraction;
  }

  @JsonProperty
  public int getWarmupSteps() {
    return warmupSteps;
  }

  @JsonProperty
  public int getTotalSteps() {
    return totalSteps;
  }
}
