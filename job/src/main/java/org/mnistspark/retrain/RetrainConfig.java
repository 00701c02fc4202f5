package org.mnistspark.retrain;

import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.range;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.File;
import java.util.Map;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;

/**
 * The {@code mnist.retrain} block of the configuration, read once and checked before anything
 * runs. Accuracies are fractions 0..1, durations seconds.
 *
 * @param root the retraining folder, any Hadoop path
 * @param tolerance accuracy a candidate may lose against production, 0 <= t < 1
 * @param floor accuracy every promoted model must reach, 0..1
 * @param keepRuns run folders kept besides the production run, >= 1
 * @param lockWaitSeconds how long to wait for another retrain's lock, >= 0
 * @param lockLeaseSeconds the lock's lease, renewed every third of it, >= 3
 * @param timeoutSeconds how long a run may hold the lock before it is ended, >= 0; 0 = no limit
 */
public record RetrainConfig(String root, double tolerance, double floor, int keepRuns, int lockWaitSeconds,
    int lockLeaseSeconds, int timeoutSeconds) {
  static final String BLOCK = "retrain";

  /**
   * Returns the retrain settings from reference.conf, then {@code confFile} (may be null), then
   * {@code overrides} (keys as in reference.conf below {@code mnist.}, e.g. {@code retrain.floor}).
   *
   * @throws InvalidOptionException if the file cannot be read or a value is out of range
   */
  public static RetrainConfig load(File confFile, Map<String, Object> overrides) {
    Config c = JobConfig.merged(confFile, overrides).getConfig(BLOCK);
    try {
      return new RetrainConfig(
          root(c),
          range(c, "tolerance", 0, false, "must lie in [0, 1): an accuracy fraction, e.g. 0.005 for half a point"),
          range(c, "floor", 0, true, "must lie in [0, 1]: an accuracy fraction, e.g. 0.95"),
          atLeast(c, "keep-runs", 1),
          atLeast(c, "lock-wait", 0),
          atLeast(c, "lock-lease", 3),
          atLeast(c, "timeout", 0));
    } catch (ConfigException.WrongType e) {
      throw new InvalidOptionException("--conf", String.valueOf(confFile), e.getMessage());
    }
  }

  public RetrainGate.Thresholds thresholds() {
    return new RetrainGate.Thresholds(tolerance, floor);
  }

  private static String root(Config c) {
    String v = c.getString("root").trim();
    if (v.isEmpty()) {
      throw new InvalidOptionException("root", "", "must be given: the folder (any Hadoop path) that holds runs/, "
          + "production and history.jsonl");
    }
    return v;
  }
}
