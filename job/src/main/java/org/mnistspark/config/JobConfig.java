package org.mnistspark.config;

import static org.mnistspark.config.Validators.accuracyOrOff;
import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.fraction;
import static org.mnistspark.config.Validators.nonEmpty;
import static org.mnistspark.config.Validators.nonNegative;
import static org.mnistspark.config.Validators.oneOf;
import static org.mnistspark.config.Validators.positive;

import java.io.File;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.storage.StorageLevel;
import org.mnistspark.scale.Scaling;

/**
 * Every effective option of one training run: the {@code mnist} block of the settings tree
 * ({@link Settings}). Its constructor checks every value, so a JobConfig read from a file, built in
 * a test or changed with a {@code with...} method holds only values the job can use.
 */
public record JobConfig(
    String master,
    String dataset,
    String data,
    String out,
    int epochs,
    Scaling scaling,
    int trainLimit,
    double validationFraction,
    int partitions,
    int batchSizePerWorker,
    int averagingFrequency,
    int prefetch,
    long seed,
    double learningRate,
    int threadsPerTask,
    String storageLevel,
    int evalBatchSize,
    String trainer,
    int validationsPerEpoch,
    double stopAtValidationAccuracy,
    double maxTrainSeconds,
    boolean keepBestValidation,
    String optimizer,
    int earlyStopPatience,
    int checkpointEveryEpochs,
    int keepCheckpoints)
    implements Serializable {

  /** Checks every value and fills the data folder's default; the message names the key, value and rule. */
  public JobConfig {
    master = master.trim().isEmpty() ? "" : MasterUrl.check(master.trim());
    dataset = oneOf("dataset", dataset, "mnist", "fashion-mnist");
    // empty means data/DATASET, where the submit/fetch-*.sh scripts put it
    data = data.trim().isEmpty() ? "data/" + dataset : data.trim();
    out = nonEmpty("out", out);
    atLeast("epochs", epochs, 1);
    Objects.requireNonNull(scaling, "scaling");
    atLeast("train-limit", trainLimit, 0);
    if (trainLimit == 1) {
      throw new InvalidOptionException("train-limit", "1", "need at least 2 images to hold some out");
    }
    fraction("validation-fraction", validationFraction);
    atLeast("partitions", partitions, 0);
    atLeast("batch-size-per-worker", batchSizePerWorker, 1);
    atLeast("averaging-frequency", averagingFrequency, 1);
    atLeast("prefetch", prefetch, 0);
    positive("learning-rate", learningRate);
    atLeast("threads-per-task", threadsPerTask, 1);
    storageLevel = storageLevel(storageLevel);
    atLeast("eval-batch-size", evalBatchSize, 1);
    trainer = oneOf("trainer", trainer, "resident", "dl4j", "single-jvm");
    atLeast("validations-per-epoch", validationsPerEpoch, 1);
    accuracyOrOff("stop-at-validation-accuracy", stopAtValidationAccuracy);
    nonNegative("max-train-seconds", maxTrainSeconds);
    optimizer = oneOf("optimizer", optimizer, "adam", "sgd");
    atLeast("early-stop-patience", earlyStopPatience, 0);
    atLeast("checkpoint-every-epochs", checkpointEveryEpochs, 0);
    atLeast("keep-checkpoints", keepCheckpoints, 1);
  }

  /**
   * The job block from reference.conf, then {@code confFile} (may be null), then {@code overrides}
   * (keys as in reference.conf, without the {@code mnist.} prefix): {@link Settings#load}'s job.
   *
   * @throws InvalidOptionException if a file cannot be read or a value is out of range
   */
  public static JobConfig load(File confFile, Map<String, Object> overrides) {
    return Settings.load(confFile, overrides).job();
  }

  public JobConfig withOut(String out) {
    return SettingsRecords.with(this, "out", out);
  }

  public JobConfig withEpochs(int epochs) {
    return SettingsRecords.with(this, "epochs", epochs);
  }

  public JobConfig withScaling(Scaling scaling) {
    return SettingsRecords.with(this, "scaling", scaling);
  }

  public JobConfig withTrainLimit(int trainLimit) {
    return SettingsRecords.with(this, "trainLimit", trainLimit);
  }

  public JobConfig withBatchSizePerWorker(int batchSizePerWorker) {
    return SettingsRecords.with(this, "batchSizePerWorker", batchSizePerWorker);
  }

  public JobConfig withAveragingFrequency(int averagingFrequency) {
    return SettingsRecords.with(this, "averagingFrequency", averagingFrequency);
  }

  public JobConfig withSeed(long seed) {
    return SettingsRecords.with(this, "seed", seed);
  }

  public JobConfig withLearningRate(double learningRate) {
    return SettingsRecords.with(this, "learningRate", learningRate);
  }

  public JobConfig withTrainer(String trainer) {
    return SettingsRecords.with(this, "trainer", trainer);
  }

  public JobConfig withValidationsPerEpoch(int validationsPerEpoch) {
    return SettingsRecords.with(this, "validationsPerEpoch", validationsPerEpoch);
  }

  public JobConfig withStopAtValidationAccuracy(double accuracy) {
    return SettingsRecords.with(this, "stopAtValidationAccuracy", accuracy);
  }

  public JobConfig withMaxTrainSeconds(double seconds) {
    return SettingsRecords.with(this, "maxTrainSeconds", seconds);
  }

  public JobConfig withOptimizer(String optimizer) {
    return SettingsRecords.with(this, "optimizer", optimizer);
  }

  public JobConfig withKeepCheckpoints(int keepCheckpoints) {
    return SettingsRecords.with(this, "keepCheckpoints", keepCheckpoints);
  }

  /** Every option under its reference.conf key, in declaration order, for metrics.json; the scaling by its label. */
  public Map<String, Object> asMap() {
    return SettingsRecords.asMap(this);
  }

  public StorageLevel sparkStorageLevel() {
    return StorageLevel.fromString(storageLevel);
  }

  private static String storageLevel(String level) {
    String v = level.trim().toUpperCase(Locale.ROOT);
    try {
      StorageLevel.fromString(v);
      return v;
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException("storage-level", level, "is not a Spark storage level (e.g. MEMORY_ONLY, MEMORY_ONLY_SER)");
    }
  }
}
