package org.mnistspark.train;

/**
 * One validation check during training.
 *
 * @param epoch position in epochs (1.25 = a quarter into the second epoch)
 * @param imagesFitted training images fitted so far
 * @param trainSeconds training wall time so far, without the time spent validating
 * @param accuracy on the validation split, fraction
 * @param loss mean cross-entropy on the validation split; null where not measured (dl4j trainer)
 */
public record ValidationPoint(double epoch, long imagesFitted, double trainSeconds, double accuracy, Double loss) {}
