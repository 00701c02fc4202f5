package org.mnistspark.train;

/**
 * What one epoch did.
 *
 * @param seconds wall time of the epoch's training, excluding validation
 * @param samplesPerSecond training images actually fitted per second of {@code seconds}
 * @param trainLoss mean minibatch loss (MCXENT) over the epoch (resident trainer); DL4J's
 *     trainer reports only its last averaging round's
 * @param validationAccuracy accuracy on the held-out split after the epoch, computed on the executors
 * @param imagesFitted training images fitted in the epoch; -1 where the trainer cannot tell
 * @param validationLoss mean cross-entropy on the held-out split after the epoch; null where not measured
 */
public record EpochStats(int epoch, double seconds, double samplesPerSecond, double trainLoss, double validationAccuracy,
    long imagesFitted, Double validationLoss) {}
