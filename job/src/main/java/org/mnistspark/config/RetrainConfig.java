package org.mnistspark.config;

import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.range;

/**
 * The {@code mnist.retrain} block of the settings tree: scheduled retraining. Accuracies are
 * fractions 0..1, durations seconds.
 *
 * @param root the retraining folder, any Hadoop path; empty until given ({@link #requiredRoot})
 * @param tolerance accuracy a candidate may lose against production, 0 <= t < 1
 * @param floor accuracy every promoted model must reach, 0..1
 * @param keepRuns run folders kept besides the production run, >= 1
 * @param lockWait seconds to wait for another retrain's lock, >= 0
 * @param lockLease the lock's lease in seconds, renewed every third of it, >= 3
 * @param timeout seconds a run may hold the lock before it is ended, >= 0; 0 = no limit
 */
public record RetrainConfig(String root, double tolerance, double floor, int keepRuns, int lockWait, int lockLease,
    int timeout) {

  public RetrainConfig {
    root = root.trim();
    range("tolerance", tolerance, 0, false, "must lie in [0, 1): an accuracy fraction, e.g. 0.005 for half a point");
    range("floor", floor, 0, true, "must lie in [0, 1]: an accuracy fraction, e.g. 0.95");
    atLeast("keep-runs", keepRuns, 1);
    atLeast("lock-wait", lockWait, 0);
    atLeast("lock-lease", lockLease, 3);
    atLeast("timeout", timeout, 0);
  }

  /** The retraining folder, which the retrain command cannot do without. */
  public String requiredRoot() {
    if (root.isEmpty()) {
      throw new InvalidOptionException("root", "", "must be given: the folder (any Hadoop path) that holds runs/, "
          + "production and history.jsonl");
    }
    return root;
  }
}
