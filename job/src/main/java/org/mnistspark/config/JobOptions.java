package org.mnistspark.config;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The job's options, shared by every subcommand. Each long name is its key in reference.conf, so
 * the options given on the command line become configuration overrides one to one.
 */
public final class JobOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON configuration file (default: built-in defaults only).")
  File conf;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master URL, e.g. local[2] or spark://host:7077.")
  String master;

  @Option(names = "--dataset", paramLabel = "NAME", description = "mnist or fashion-mnist; labels the run and picks the default --data folder, data/NAME.")
  String dataset;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder (any Hadoop path) with the four IDX files, raw or .gz (default: data/DATASET).")
  String data;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (any Hadoop path): train writes model.zip, metrics.json and evaluation.txt there, study its results and report.")
  String out;

  @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (>= 1).")
  Integer epochs;

  @Option(names = "--scaling", paramLabel = "KIND", description = "none | minmax (x/255) | standardize ((x-mean)/std of the training split).")
  String scaling;

  @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images; 0 = all.")
  Integer trainLimit;

  @Option(names = "--validation-fraction", paramLabel = "F", description = "Fraction of training images held out for validation (0 < F < 1).")
  Double validationFraction;

  @Option(names = "--partitions", paramLabel = "N", description = "RDD partitions of the training records; 0 = Spark's default parallelism.")
  Integer partitions;

  @Option(names = "--batch-size-per-worker", paramLabel = "N", description = "Minibatch size on each worker, in images.")
  Integer batchSizePerWorker;

  @Option(names = "--averaging-frequency", paramLabel = "N", description = "Minibatches per worker between parameter averagings.")
  Integer averagingFrequency;

  @Option(names = "--prefetch", paramLabel = "N", description = "Minibatches each worker prefetches; 0 = off.")
  Integer prefetch;

  @Option(names = "--seed", paramLabel = "N", description = "Seed for weight initialisation and data splits.")
  Long seed;

  @Option(names = "--learning-rate", paramLabel = "R", description = "Adam learning rate.")
  Double learningRate;

  @Option(names = "--threads-per-task", paramLabel = "N", description = "Native threads per Spark task.")
  Integer threadsPerTask;

  @Option(names = "--storage-level", paramLabel = "LEVEL", description = "Spark storage level of the training minibatches.")
  String storageLevel;

  @Option(names = "--eval-batch-size", paramLabel = "N", description = "Minibatch size for validation and test evaluation.")
  Integer evalBatchSize;

  @Option(names = "--trainer", paramLabel = "NAME", description = "resident (the project's parameter averaging, default) | dl4j (DL4J's ParameterAveragingTrainingMaster) | single-jvm (plain fit on the driver, no averaging).")
  String trainer;

  @Option(names = "--validations-per-epoch", paramLabel = "N", description = "Validation checks per epoch (resident trainer; dl4j validates once).")
  Integer validationsPerEpoch;

  @Option(names = "--stop-at-validation-accuracy", paramLabel = "F", description = "Stop training once validation accuracy reaches F (0..1); 0 = never.")
  Double stopAtValidationAccuracy;

  @Option(names = "--max-train-seconds", paramLabel = "S", description = "Stop at the first validation check after S seconds of training (validation not counted); 0 = no limit.")
  Double maxTrainSeconds;

  @Option(names = "--keep-best-validation", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "Keep the parameters of the best validation check rather than the last (default true).")
  Boolean keepBestValidation;

  @Option(names = "--optimizer", paramLabel = "NAME", description = "adam (default) | sgd (plain SGD; Keras' default rate for it is 0.01).")
  String optimizer;

  @Option(names = "--early-stop-patience", paramLabel = "EPOCHS",
      description = "Stop when epoch-end validation accuracy has not improved for this many epochs; 0 = off.")
  Integer earlyStopPatience;

  @Option(names = "--checkpoint-every-epochs", paramLabel = "N",
      description = "Write a checkpoint beside --out (OUT.checkpoints/epoch-NNNN) after every N epochs; 0 = off (resident and single-jvm trainers).")
  Integer checkpointEveryEpochs;

  @Option(names = "--keep-checkpoints", paramLabel = "K", description = "Checkpoints kept, the newest K (>= 1).")
  Integer keepCheckpoints;

  /**
   * Returns the effective configuration: built-in defaults, then {@code --conf}, then every other
   * option given on the command line.
   */
  public JobConfig resolve() {
    return resolve(Map.of());
  }

  /**
   * Like {@link #resolve()}, with a command's own defaults (keys as in reference.conf) between the
   * configuration file and the options given on the command line.
   */
  public JobConfig resolve(Map<String, Object> commandDefaults) {
    Map<String, Object> overrides = new LinkedHashMap<>(commandDefaults);
    overrides.putAll(overrides());
    return JobConfig.load(conf, overrides);
  }

  /** The configuration file given with {@code --conf}, or null. */
  public File confFile() {
    return conf;
  }

  /** The options given on the command line (except {@code --conf}), keyed as in reference.conf. */
  public Map<String, Object> overrides() {
    return CommandLineOverrides.given(spec, JobOptions.class, "", Set.of("--conf"));
  }
}
