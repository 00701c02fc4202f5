package org.mnistspark;

/** The cluster could not finish a training run (Spark gave up on a task); nothing was saved. */
public final class TrainingFailedException extends RuntimeException {
  public TrainingFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
