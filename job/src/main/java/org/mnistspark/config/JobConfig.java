package org.mnistspark.config;

import static org.mnistspark.config.Validators.accuracyOrOff;
import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.fraction;
import static org.mnistspark.config.Validators.nonEmpty;
import static org.mnistspark.config.Validators.nonNegative;
import static org.mnistspark.config.Validators.oneOf;
import static org.mnistspark.config.Validators.positive;
import static org.mnistspark.config.Validators.range;

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
    int averagingGrowth,
    int prefetch,
    long seed,
    double learningRate,
    Decay learningRateDecay,
    double finalLearningRateFraction,
    double warmupEpochs,
    int threadsPerTask,
    String storageLevel,
    int evalBatchSize,
    Trainer trainer,
    int validationsPerEpoch,
    double stopAtValidationAccuracy,
    double maxTrainSeconds,
    boolean keepBestValidation,
    Optimizer optimizer,
    String networkVariant,
    int earlyStopPatience,
    int checkpointEveryEpochs,
    int keepCheckpoints,
    int outLockWait)
    implements Serializable {

  /** Checks every value and fills the data folder's default; the message names the key, value and rule. */
  public JobConfig {
    master = master.trim().isEmpty() ? "" : MasterUrl.check(master.trim());
    dataset = oneOf("dataset", dataset, "mnist", "fashion-mnist");
    data = data.trim().isEmpty() ? fetchedData(dataset) : data.trim();
    out = nonEmpty("out", out);
    atLeast("epochs", epochs, 1);
    Objects.requireNonNull(scaling, "scaling");
    atLeast("train-limit", trainLimit, 0);
    if (trainLimit == 1) {
      throw new InvalidOptionException("train-limit", "1", "need at least 2 images to hold some out");
    }
    fraction("validation-fraction", validationFraction);
    atLeast("partitions", partitions, 0);
    atLeast("batch-size-per-worker", batchSizePerWorker, 0);
    atLeast("averaging-frequency", averagingFrequency, 0);
    atLeast("averaging-growth", averagingGrowth, 1);
    atLeast("prefetch", prefetch, 0);
    positive("learning-rate", learningRate);
    Objects.requireNonNull(learningRateDecay, "learning-rate-decay");
    range("final-learning-rate-fraction", finalLearningRateFraction, Double.MIN_VALUE, true,
        "must be a fraction above 0, at most 1");
    nonNegative("warmup-epochs", warmupEpochs);
    if (warmupEpochs >= epochs) {
      throw new InvalidOptionException("warmup-epochs", String.valueOf(warmupEpochs),
          "must be less than epochs (" + epochs + ")");
    }
    atLeast("threads-per-task", threadsPerTask, 1);
    storageLevel = storageLevel(storageLevel);
    atLeast("eval-batch-size", evalBatchSize, 1);
    Objects.requireNonNull(trainer, "trainer");
    if (averagingGrowth > 1 && trainer == Trainer.DL4J) {
      throw new InvalidOptionException("averaging-growth", String.valueOf(averagingGrowth),
          "only the resident trainer changes its averaging period; the dl4j trainer needs 1");
    }
    atLeast("validations-per-epoch", validationsPerEpoch, 1);
    accuracyOrOff("stop-at-validation-accuracy", stopAtValidationAccuracy);
    nonNegative("max-train-seconds", maxTrainSeconds);
    Objects.requireNonNull(optimizer, "optimizer");
    networkVariant = oneOf("network-variant", networkVariant, NETWORK_VARIANTS);
    atLeast("early-stop-patience", earlyStopPatience, 0);
    atLeast("checkpoint-every-epochs", checkpointEveryEpochs, 0);
    atLeast("keep-checkpoints", keepCheckpoints, 1);
    atLeast("out-lock-wait", outLockWait, 0);
  }

  /** Where the submit/fetch-*.sh scripts put {@code dataset}, and the default data. */
  private static String fetchedData(String dataset) {
    return "data/" + dataset;
  }

  /** Whether the data are the dataset where the submit/fetch-*.sh scripts put it. */
  public boolean readsFetchedData() {
    return data.equals(fetchedData(dataset));
  }

  /** The LeNet as the Keras script has it, and the variants the study's causal arm trains ({@code LeNet}). */
  public static final String[] NETWORK_VARIANTS = {"lenet", "batchnorm-conv1", "leaky-relu-conv2", "conv1-init-over-255"};

  /** The automatic minibatch's largest and smallest size, examples. */
  static final int AUTO_LARGEST_BATCH = 64;
  static final int AUTO_SMALLEST_BATCH = 16;
  /** Steps the automatic minibatch aims to give each worker over the planned epochs. */
  static final int AUTO_STEPS = 6_000;
  /** Images a worker fits per round with the automatic averaging frequency: about a second on one core. */
  static final int AUTO_IMAGES_PER_ROUND = 1024;

  /**
   * This configuration with {@code batch-size-per-worker} and {@code averaging-frequency} chosen for
   * workers of {@code imagesPerWorker} training images where they are 0 (automatic): the largest
   * batch up to 64 that still gives each worker 6,000 steps over the planned epochs, but no smaller
   * than 16 (on MNIST-sized data more, smaller steps end more accurate; a larger data set gets larger
   * batches and more samples/s), and as many minibatches per round as make 1,024 images (so a
   * round's fixed cost stays the same share).
   */
  public JobConfig sizedFor(int imagesPerWorker) {
    long images = (long) epochs * imagesPerWorker;
    int batch = batchSizePerWorker > 0 ? batchSizePerWorker
        : (int) Math.max(AUTO_SMALLEST_BATCH, Math.min(AUTO_LARGEST_BATCH, images / AUTO_STEPS));
    int frequency = averagingFrequency > 0 ? averagingFrequency : Math.max(1, AUTO_IMAGES_PER_ROUND / batch);
    return withBatchSizePerWorker(batch).withAveragingFrequency(frequency);
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

  public JobConfig withAveragingGrowth(int averagingGrowth) {
    return SettingsRecords.with(this, "averagingGrowth", averagingGrowth);
  }

  public JobConfig withSeed(long seed) {
    return SettingsRecords.with(this, "seed", seed);
  }

  public JobConfig withLearningRate(double learningRate) {
    return SettingsRecords.with(this, "learningRate", learningRate);
  }

  public JobConfig withLearningRateDecay(Decay decay) {
    return SettingsRecords.with(this, "learningRateDecay", decay);
  }

  public JobConfig withWarmupEpochs(double warmupEpochs) {
    return SettingsRecords.with(this, "warmupEpochs", warmupEpochs);
  }

  public JobConfig withTrainer(Trainer trainer) {
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

  public JobConfig withOptimizer(Optimizer optimizer) {
    return SettingsRecords.with(this, "optimizer", optimizer);
  }

  public JobConfig withNetworkVariant(String variant) {
    return SettingsRecords.with(this, "networkVariant", variant);
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
