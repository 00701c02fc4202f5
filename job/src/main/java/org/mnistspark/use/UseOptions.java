package org.mnistspark.use;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mnistspark.config.JobConfig;
import picocli.CommandLine.Option;

/**
 * Options of the commands that use a saved model (evaluate, predict). The Spark settings keep their
 * reference.conf keys, so {@code --conf conf/local.conf} or a cluster's file sets the master and
 * threads for these commands as it does for train; the model and the output folder are named only
 * on the command line, since a conf file's {@code out} is a training run's folder.
 */
public final class UseOptions {
  @Option(names = "--model", required = true, paramLabel = "PATH",
      description = "model.zip of a train run (any Hadoop path), or the run's folder. Refused unless it matches the "
          + "manifest.json it was written with.")
  String model;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output folder (any Hadoop path), written all or nothing; an earlier output of the same command "
          + "is replaced, anything else there is refused.")
  String out;

  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON configuration file for master, threads-per-task, "
      + "partitions and eval-batch-size (default: built-in defaults only).")
  File conf;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master URL, e.g. local[2] or spark://host:7077.")
  String master;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Partitions the images are spread over (one task each); 0 = Spark's default parallelism.")
  Integer partitions;

  @Option(names = "--eval-batch-size", paramLabel = "N", description = "Images per forward pass on an executor.")
  Integer evalBatchSize;

  @Option(names = "--threads-per-task", paramLabel = "N", description = "Native threads per Spark task.")
  Integer threadsPerTask;

  /** The Spark settings: reference.conf, then {@code --conf}, then these options and {@code more} (reference.conf keys). */
  JobConfig resolve(Map<String, Object> more) {
    Map<String, Object> overrides = new LinkedHashMap<>(more);
    put(overrides, "master", master);
    put(overrides, "partitions", partitions);
    put(overrides, "eval-batch-size", evalBatchSize);
    put(overrides, "threads-per-task", threadsPerTask);
    return JobConfig.load(conf, overrides);
  }

  private static void put(Map<String, Object> overrides, String key, Object value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }
}
