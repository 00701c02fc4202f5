package org.mnistspark.train;

/**
 * A trainer's whole state after a finished epoch: resuming from it continues the run exactly,
 * since each epoch's data order depends only on the seed, the epoch and the partition
 * ({@link EpochPlan}), so no random generator's state has to be kept.
 *
 * @param epoch epochs done, 1-based
 * @param model the parameters, Adam's moments and iteration the next epoch starts from
 * @param best the parameters of keep-best-validation's best check so far; null when there is none
 */
public record TrainingState(int epoch, ModelState model, ModelState best, ProgressState progress) {}
