package org.mnistspark.train;

/**
 * What one epoch did.
 *
 * @param trainLoss mean minibatch loss (MCXENT) of the epoch's last averaging round, as DL4J's
 *     training master reports it: cheap, but from one round rather than the whole epoch
 * @param validationAccuracy accuracy on the held-out split after the epoch, computed on the executors
 * @param seconds wall time of the epoch's training, excluding validation
 * @param samplesPerSecond training images per second of {@code seconds}
 */
public record EpochStats(int epoch, double seconds, double samplesPerSecond, double trainLoss, double validationAccuracy) {}
