package org.mnistspark.retrain;

import java.io.File;
import java.util.Map;
import java.util.Set;
import org.mnistspark.config.CommandLineOverrides;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The retrain command's own options. Each long name is its key in reference.conf's
 * {@code retrain} block, so options given on the command line override the file one to one.
 */
public final class RetrainOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR",
      description = "Retraining folder (any Hadoop path) holding runs/, production, history.jsonl and retrain.lock.")
  String root;

  @Option(names = "--tolerance", paramLabel = "ACC",
      description = "Promote only if the candidate's test accuracy >= production's minus this (fraction, 0 <= t < 1).")
  Double tolerance;

  @Option(names = "--floor", paramLabel = "ACC",
      description = "Promote only if the candidate's test accuracy >= this (fraction, 0..1).")
  Double floor;

  @Option(names = "--keep-runs", paramLabel = "K",
      description = "Run folders to keep: the newest K, plus the production run always (>= 1).")
  Integer keepRuns;

  @Option(names = "--lock-wait", paramLabel = "SECONDS",
      description = "Wait this long for another retrain's lock on the same root; 0 = exit at once with code 4.")
  Integer lockWait;

  @Option(names = "--lock-lease", paramLabel = "SECONDS",
      description = "The lock's lease (>= 3), renewed every third of it; a lock not renewed for this long is taken over.")
  Integer lockLease;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "End a run still going this long after taking the lock: a failed history line, exit 1, "
          + "production unchanged; 0 = no limit.")
  Integer timeout;

  /** Returns the effective retrain settings: reference.conf, then {@code conf}, then these options. */
  public RetrainConfig resolve(File conf) {
    Map<String, Object> overrides = CommandLineOverrides.given(spec, RetrainOptions.class, RetrainConfig.BLOCK + ".",
        Set.of());
    return RetrainConfig.load(conf, overrides);
  }
}
