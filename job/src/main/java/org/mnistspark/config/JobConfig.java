package org.mnistspark.config;

import static org.mnistspark.config.Validators.accuracyOrOff;
import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.fraction;
import static org.mnistspark.config.Validators.nonNegative;
import static org.mnistspark.config.Validators.positive;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.storage.StorageLevel;
import org.mnistspark.scale.Scaling;

/**
 * Every effective option of one training run, read once from {@code reference.conf}, an optional
 * configuration file and command-line overrides, and checked before Spark starts.
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

  static final String ROOT = "mnist";

  /**
   * Returns the configuration from {@code confFile} (may be null) with {@code overrides} (keys as in
   * reference.conf, without the {@code mnist.} prefix) on top.
   *
   * @throws InvalidOptionException if a file cannot be read or a value is out of range
   */
  public static JobConfig load(File confFile, Map<String, Object> overrides) {
    Config mnist = merged(confFile, overrides);
    try {
      return fromConfig(mnist);
    } catch (ConfigException.BadPath | ConfigException.WrongType | ConfigException.ValidationFailed e) {
      throw new InvalidOptionException("--conf", String.valueOf(confFile), e.getMessage());
    }
  }

  /**
   * Returns the whole {@code mnist} block (reference.conf, then {@code confFile}, then
   * {@code overrides}), checked against reference.conf's keys and types; other commands read their
   * own blocks from it, such as {@code retrain}. Every reader of the block goes through here, so
   * an unknown key is refused whichever command reads the file.
   *
   * @throws InvalidOptionException if the file cannot be read, a key is not in reference.conf or a
   *     value has the wrong type
   */
  public static Config merged(File confFile, Map<String, Object> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config file = ConfigFactory.empty();
    if (confFile != null) {
      if (!confFile.isFile()) {
        throw new InvalidOptionException("--conf", confFile.getPath(), "no such file");
      }
      try {
        file = ConfigFactory.parseFile(confFile, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new InvalidOptionException("--conf", confFile.getPath(), e.getMessage());
      }
    }
    Config merged = file;
    for (Map.Entry<String, Object> o : overrides.entrySet()) {
      merged = merged.withValue(ROOT + "." + o.getKey(), ConfigValueFactory.fromAnyRef(o.getValue()));
    }
    merged = merged.withFallback(reference).resolve();
    try {
      merged.checkValid(reference, ROOT);
    } catch (ConfigException.BadPath | ConfigException.WrongType | ConfigException.ValidationFailed e) {
      throw new InvalidOptionException("--conf", String.valueOf(confFile), e.getMessage());
    }
    Config mnist = merged.getConfig(ROOT);
    new ConfigKeys(reference.getConfig(ROOT)).check(mnist, overrides, confFile == null ? null : confFile.getPath());
    return mnist;
  }

  private static JobConfig fromConfig(Config c) {
    String dataset = oneOf(c, "dataset", "mnist", "fashion-mnist");
    JobConfig config = new JobConfig(
        master(c),
        dataset,
        dataFolder(c, dataset),
        nonEmpty(c, "out"),
        atLeast(c, "epochs", 1),
        Scaling.parse(oneOf(c, "scaling", "none", "minmax", "standardize")),
        atLeast(c, "train-limit", 0),
        fraction(c, "validation-fraction"),
        atLeast(c, "partitions", 0),
        atLeast(c, "batch-size-per-worker", 1),
        atLeast(c, "averaging-frequency", 1),
        atLeast(c, "prefetch", 0),
        c.getLong("seed"),
        positive(c, "learning-rate"),
        atLeast(c, "threads-per-task", 1),
        storageLevel(c, "storage-level"),
        atLeast(c, "eval-batch-size", 1),
        oneOf(c, "trainer", "resident", "dl4j", "single-jvm"),
        atLeast(c, "validations-per-epoch", 1),
        accuracyOrOff(c, "stop-at-validation-accuracy"),
        nonNegative(c, "max-train-seconds"),
        c.getBoolean("keep-best-validation"),
        oneOf(c, "optimizer", "adam", "sgd"),
        atLeast(c, "early-stop-patience", 0),
        atLeast(c, "checkpoint-every-epochs", 0),
        atLeast(c, "keep-checkpoints", 1));
    if (config.trainLimit() == 1) {
      throw new InvalidOptionException("train-limit", "1", "need at least 2 images to hold some out");
    }
    return config;
  }

  /** The same settings with {@code key} (as in reference.conf) replaced. */
  public JobConfig with(String key, Object value) {
    Map<String, Object> all = asMap();
    all.put(key, value);
    return fromConfig(merged(null, all));
  }

  /**
   * Every option under its reference.conf key, in declaration order, for metrics.json: derived from
   * the record's components (trainLimit is train-limit), the scaling by its label.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent component : JobConfig.class.getRecordComponents()) {
      Object value;
      try {
        value = component.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("reading " + component.getName(), e);
      }
      m.put(key(component.getName()), value instanceof Scaling s ? s.label() : value);
    }
    return m;
  }

  /** The reference.conf key of a record component: {@code trainLimit} is {@code train-limit}. */
  static String key(String component) {
    return component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  public StorageLevel sparkStorageLevel() {
    return StorageLevel.fromString(storageLevel);
  }

  /** Empty: whatever spark-submit set, which it has checked already. */
  private static String master(Config c) {
    String v = c.getString("master").trim();
    return v.isEmpty() ? v : MasterUrl.check(v);
  }

  /** The configured data folder; empty means data/DATASET, where the submit/fetch-*.sh scripts put it. */
  private static String dataFolder(Config c, String dataset) {
    String v = c.getString("data").trim();
    return v.isEmpty() ? "data/" + dataset : v;
  }

  private static String nonEmpty(Config c, String key) {
    String v = c.getString(key).trim();
    if (v.isEmpty()) {
      throw new InvalidOptionException(key, "", "must not be empty");
    }
    return v;
  }

  private static String oneOf(Config c, String key, String... allowed) {
    String v = c.getString(key).trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new InvalidOptionException(key, c.getString(key), "must be one of " + String.join(", ", allowed));
  }

  private static String storageLevel(Config c, String key) {
    String v = c.getString(key).trim().toUpperCase(Locale.ROOT);
    try {
      StorageLevel.fromString(v);
      return v;
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException(key, c.getString(key), "is not a Spark storage level (e.g. MEMORY_ONLY, MEMORY_ONLY_SER)");
    }
  }
}
