package org.mnistspark.use;

import java.util.stream.Stream;
import org.mnistspark.config.SettingsOptions;
import picocli.CommandLine.Option;

/**
 * What the commands that use a saved model (evaluate, predict) are told on each call: the model and
 * where to write. Their Spark settings come from the settings tree ({@link #settings}), so
 * {@code --conf conf/local.conf} or a cluster's file sets the master and threads for them as it
 * does for train; a conf file's {@code out} is a training run's folder, so --out here is not it.
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

  /** The settings a command using a model takes: Spark's, and {@code more} keys of the job block. */
  static SettingsOptions settings(String... more) {
    String[] keys = Stream.concat(Stream.of("master", "partitions", "eval-batch-size",
        "threads-per-task", "out-lock-wait"), Stream.of(more)).toArray(String[]::new);
    return SettingsOptions.jobKeys(keys);
  }
}
