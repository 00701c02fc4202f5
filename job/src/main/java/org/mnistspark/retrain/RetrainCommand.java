package org.mnistspark.retrain;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.RetrainConfig;
import org.mnistspark.config.Settings;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.pipeline.Resumption;
import org.mnistspark.pipeline.TrainingPipeline;
import org.mnistspark.spark.SparkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Scheduled retraining: trains a candidate into ROOT/runs/&lt;UTC time&gt;/, compares it with the
 * production model on the candidate's test set, and points ROOT/production at it only if it
 * passes {@link RetrainGate}. One line per run goes to ROOT/history.jsonl.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true,
    description = {
        "Train a candidate into --root/runs/<UTC time>/, compare it with the production model on the same test set, "
            + "and promote it (--root/production) only if it is good enough. One line per run goes to --root/history.jsonl.",
        "Exit codes: 0 promoted, 3 kept the old model, 4 another retrain holds the lock, 2 bad input, 1 failed."})
public final class RetrainCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(RetrainCommand.class);

  /** The candidate became production. */
  public static final int PROMOTED = 0;
  /** The candidate was refused by the gate; production is unchanged. */
  public static final int KEPT = 3;
  /** Another retrain holds the lock on the same root; nothing was done. */
  public static final int LOCKED = 4;
  /** The run failed (MnistJob.FAILED, which this package does not depend on). */
  private static final int FAILED = 1;

  private final SettingsOptions options = SettingsOptions.jobAnd("retrain", "table");
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // Settings: the job's options for the candidate, the retrain block for the rest.
    Settings all = options.resolve();
    JobConfig job = all.job();
    if (options.given("out")) {
      throw new InvalidOptionException("--out", job.out(), "does not apply to retrain, which writes each run to "
          + "--root/runs/<UTC time>");
    }
    RetrainConfig settings = all.retrain();
    RetrainRoot root = RetrainRoot.open(settings.requiredRoot(), SparkSetup.hadoopConf(SparkSetup.sparkConf(job)));

    // One retrain per root at a time; the lock's lease and the timeout end a run that hangs.
    PrintWriter err = spec.commandLine().getErr();
    LeaseLock lock;
    try {
      lock = RetrainLock.acquire(root, RunName.of(Instant.now()), Duration.ofSeconds(settings.lockWait()),
          Duration.ofSeconds(settings.lockLease()));
    } catch (LeaseLock.LockedException e) {
      err.println("mnist-job: " + e.getMessage());
      err.flush();
      return LOCKED;
    }
    History history = new History(root);
    try (lock; RunGuard guard = RunGuard.start(root, history, lock, settings.timeout(), err)) {
      return retrainLocked(root, lock, guard, history, job, settings, all.table());
    } catch (RetrainRoot.ProductionPointerException e) {
      // recorded in history already; one line that says what to repair, not a stack trace
      log.error("retrain {} failed: {}", root.root(), e.getMessage());
      err.println("mnist-job: " + e.getMessage());
      err.flush();
      return FAILED;
    }
  }

  private int retrainLocked(RetrainRoot root, LeaseLock lock, RunGuard guard, History history, JobConfig job,
      RetrainConfig settings, TableConfig columns) throws IOException {
    String run = lock.run();
    Optional<String> production = Optional.empty();
    HistoryEntry entry;
    RetrainGate.Decision decision;
    try {
      // Tidy up after a run that stopped without finishing. Reading production happens in here, so
      // that a production file that does not name a run fails the run with a history line.
      Recovery.recover(root, history, lock.takenOver());
      run = uniqueRun(root, history, lock);
      production = root.productionRun();
      log.info("retrain {}: candidate {}, production {}", root.root(), run, production.orElse("none"));

      // Train the candidate into runs/<run> with the train command's own flow, continuing an
      // interrupted candidate's training if its options and data are this run's.
      JobConfig candidateConfig = job.withOut(root.run(run).toString());
      TrainingPipeline.Trained candidate = TrainingPipeline.of(candidateConfig).run(candidateConfig, columns,
          interruptedCandidate(root, lock));
      double accuracy = candidate.outcome().metrics().test().accuracy();

      // Production's accuracy on the candidate's test set.
      Optional<ProductionBaseline> baseline = production.isEmpty()
          ? Optional.empty()
          : Optional.of(ProductionBaseline.measure(root, production.get(), candidate.outcome().metrics(),
              testSet(candidate, job, columns, root), job.evalBatchSize()));

      // Decide; promoting is one atomic replacement of the production file.
      OptionalDouble productionAccuracy = baseline.map(b -> OptionalDouble.of(b.accuracy())).orElse(OptionalDouble.empty());
      decision = RetrainGate.decide(productionAccuracy, accuracy, new RetrainGate.Thresholds(settings.tolerance(), settings.floor()));
      String reason = decision.reason() + baseline.map(b -> "; " + b.note()).orElse("");
      // Not after the deadline, and not without the lock.
      guard.claim();
      if (decision.promote()) {
        root.setProduction(run);
      }
      entry = HistoryEntry.now(run, accuracy, production.orElse(null),
          productionAccuracy.isPresent() ? productionAccuracy.getAsDouble() : null,
          decision.promote() ? History.PROMOTED : History.KEPT, reason);
    } catch (Throwable e) {
      // Production is untouched: every failure above comes before its replacement.
      if (guard.claimFailure()) {
        recordFailure(history, run, production, e);
      } else {
        // the guard ended the run (its Spark context stopping is what failed here) and exits the JVM
        guard.awaitExit();
      }
      throw e;
    }

    try {
      history.append(entry);
    } catch (IOException e) {
      if (!decision.promote()) {
        throw e;
      }
      // Promoted already: production is the commit point, and the next run's recovery records it.
      log.error("{} is production, but its history line could not be written ({}); the next retrain records it",
          run, e.getMessage());
    }
    deleteOldRuns(root, history, settings.keepRuns());

    PrintWriter out = spec.commandLine().getOut();
    out.println("retrain: " + entry.decision() + " " + run + " (production: "
        + (decision.promote() ? run : production.orElse("none")) + "): " + entry.reason());
    out.flush();
    log.info("{} {}: {}", entry.decision(), run, entry.reason());
    return decision.promote() ? PROMOTED : KEPT;
  }

  /** The candidate's test set: the IDX images it loaded, or (null: it read tables) its test table. */
  private static ProductionBaseline.TestSet testSet(TrainingPipeline.Trained candidate, JobConfig job, TableConfig columns,
      RetrainRoot root) {
    return candidate.data() != null ? ProductionBaseline.of(candidate.data().test())
        : new TableTestSet(job, columns, root.hadoop());
  }

  /**
   * The checkpoints of the newest candidate that stopped before it finished, to continue from if
   * they match this run ({@link Resumption#plan} decides, and starts from scratch if not); null if
   * there is none. Older ones, and those of a candidate whose outputs were saved, are deleted: they
   * will never be continued.
   */
  private static Resumption.Request interruptedCandidate(RetrainRoot root, LeaseLock lock) throws IOException {
    List<String> runs = root.checkpointedRuns();
    Resumption.Request newest = null;
    for (int i = runs.size() - 1; i >= 0; i--) {
      String location = Checkpoints.locationBeside(root.run(runs.get(i)).toString());
      Checkpoints checkpoints;
      try {
        checkpoints = Checkpoints.at(location, root.hadoop());
      } catch (InvalidOptionException e) {
        log.warn("left {} alone: {}", location, e.getMessage());
        continue;
      }
      if (newest == null && !root.exists(root.run(runs.get(i)))) {
        newest = new Resumption.Request(location, false);
        log.info("candidate {} stopped before it finished; continuing it if its checkpoints match", runs.get(i));
      } else {
        checkpoints.deleteAll(Temporaries.deletableBy(lock.takenOver().map(s -> s.holder().process())));
        log.info("deleted the checkpoints of candidate {}, which will not be continued", runs.get(i));
      }
    }
    return newest;
  }

  /**
   * Returns a run name no earlier run used (a run that finished within the same second would
   * otherwise share it), renaming the lock's run to it.
   */
  private static String uniqueRun(RetrainRoot root, History history, LeaseLock lock) throws IOException {
    List<String> used = history.read().stream().map(HistoryEntry::run).toList();
    String run = lock.run();
    while (root.exists(root.run(run)) || used.contains(run)) {
      try {
        Thread.sleep(1000 - Instant.now().toEpochMilli() % 1000 + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      run = RunName.of(Instant.now());
    }
    if (!run.equals(lock.run())) {
      lock.renameRun(run);
    }
    return run;
  }

  private static void recordFailure(History history, String run, Optional<String> production, Throwable e) {
    boolean badInput = e instanceof InvalidInputException || e instanceof InvalidOptionException;
    String reason = badInput ? "bad input: " + e.getMessage()
        : e instanceof RunGuard.EndedException || e instanceof RetrainRoot.ProductionPointerException ? e.getMessage()
        : e.toString();
    try {
      history.append(HistoryEntry.now(run, null, production.orElse(null), null, History.FAILED, reason));
    } catch (IOException | RuntimeException writing) {
      log.error("could not record the failure of {} in history ({})", run, writing.getMessage());
    }
  }

  /**
   * Keeps the newest K runs, production and the previous production, and every run while history
   * has a line it cannot read or production does not name a run. Only folders that still
   * match the manifest they were written with are deleted; a deletion that fails is logged, not fatal.
   */
  private static void deleteOldRuns(RetrainRoot root, History history, int keep) {
    try {
      Optional<String> production = root.productionRun();
      // history unreadable: the previous production is unknown, so nothing is deleted (IOException
      // below); a line of it unreadable: the same (Retention)
      History.Lines lines = history.readLines();
      for (String old : Retention.toDelete(root.runNames(), production, lines, keep)) {
        if (OutputFolder.at("root", root.run(old).toString(), ModelStore.KIND, root.hadoop()).deleteIfOurs()) {
          log.info("deleted run {} (keeping the newest {}, production and the previous production)", old, keep);
        } else {
          log.warn("left run {} in place: it does not match the manifest it was written with", old);
        }
      }
    } catch (IOException e) {
      log.warn("could not delete old runs in {} ({}); the next retrain tries again", root.runs(), e.getMessage());
    }
  }

  @Override
  public SettingsOptions settings() {
    return options;
  }
}
