package org.mnistspark.config;

/**
 * The {@code trainer} setting: how the network is trained. {@code train.DistributedTrainer.of}
 * builds each (the trainers live in {@code train}, which reads this package, not the other way).
 */
public enum Trainer {
  /** Parameter averaging with a network resident in each executor. */
  RESIDENT,
  /** DL4J's own ParameterAveragingTrainingMaster. */
  DL4J,
  /** One network on the driver, the baseline without Spark. */
  SINGLE_JVM;

  /** How many networks train side by side on {@code partitions} partitions. */
  public int workers(int partitions) {
    return this == SINGLE_JVM ? 1 : partitions;
  }

  /** The name in settings and outputs. */
  public String label() {
    return SettingsRecords.label(this);
  }
}
