package org.mnistspark.pipeline;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.mnistspark.Json;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.output.Checkpoint;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.RunMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which checkpoint a run continues from, and whether it may: a checkpoint is continued only by a
 * run that would have computed the same thing, so that resuming gives the uninterrupted run's
 * result. Decided on the driver before Spark starts; a refusal is exit 2 naming the first difference.
 */
public final class Resumption {
  private static final Logger log = LoggerFactory.getLogger(Resumption.class);

  /**
   * Options that may change on resume: how long the run goes on, where its files are (the data are
   * compared by content instead) and where and how fast it runs. Every other option decides the
   * data, the network, the data order, the averaging or when training stops, so it must match.
   */
  public static final Set<String> MAY_DIFFER = Set.of("epochs", "out", "data", "master", "threads-per-task",
      "checkpoint-every-epochs", "keep-checkpoints", "out-lock-wait");

  /**
   * A request to continue from the newest checkpoint at {@code location}.
   *
   * @param required true for {@code train --resume}: no usable checkpoint is exit 2; false for
   *     retrain's interrupted candidate: the run starts from scratch instead
   */
  public record Request(String location, boolean required) {}

  /**
   * What a run continues from (null: from scratch), the checkpoints it read that are obsolete once
   * it has saved (null: none), and where it writes its own.
   */
  public record Plan(Checkpoints.Found from, Checkpoints source, Checkpoints target) {
    /** For a study or benchmark run: no checkpoints at all. */
    public static final Plan NONE = new Plan(null, null, null);

    /** The checkpoint the run continues from; null when it starts from scratch. */
    public Checkpoint checkpoint() {
      return from == null ? null : from.checkpoint();
    }

    /** For metrics.json: where the run continued from; null when it started from scratch. */
    public RunMetrics.Resumed resumed() {
      return from == null ? null : new RunMetrics.Resumed(from.location(), from.checkpoint().epoch());
    }

    /**
     * Refuses to go on when the training RDD has another number of partitions than the
     * checkpoint's run: each partition is a worker with its own data order, so another count is
     * another run (Spark's default parallelism follows --master).
     */
    public void checkPartitions(int partitions) {
      if (from != null && from.checkpoint().partitions() != partitions) {
        throw InvalidOptionException.cannotResume(from.location(), "its run trained " + from.checkpoint().partitions()
            + " partitions, this one has " + partitions + "; pass --partitions " + from.checkpoint().partitions());
      }
    }

    /**
     * Deletes the checkpoints this run wrote and those it continued from: its outputs are saved;
     * of the temporaries there, those of {@code writers} ({@link Checkpoints#deleteAll}).
     */
    public void deleteAfterSave(Set<String> writers) {
      for (Checkpoints c : new LinkedHashSet<>(java.util.Arrays.asList(target, source))) {
        if (c == null) {
          continue;
        }
        try {
          c.deleteAll(writers);
        } catch (IOException e) {
          log.warn("could not delete the checkpoints in {} ({}); delete them by hand", c.location(), e.getMessage());
        }
      }
    }
  }

  private Resumption() {}

  /**
   * The plan of a train run (or retrain candidate) with {@code config} on {@code data}.
   *
   * @param request what to continue from; null to start from scratch
   * @throws InvalidOptionException if the checkpoints' location is unusable; if {@code request} is
   *     required and there is no checkpoint or it differs from this run; if a run from scratch
   *     would leave an unfinished run's checkpoints behind
   */
  public static Plan plan(JobConfig config, MnistData data, Configuration hadoop, Request request) throws IOException {
    return plan(config, data.files(), hadoop, request);
  }

  /** As {@link #plan(JobConfig, MnistData, Configuration, Request)} for the input {@code files} (IDX files or a table's). */
  public static Plan plan(JobConfig config, List<MnistData.InputFile> files, Configuration hadoop, Request request)
      throws IOException {
    Checkpoints own = Checkpoints.beside(config.out(), hadoop);
    if (request == null) {
      refuseLeftovers(own, config.out());
      return new Plan(null, null, own);
    }
    Checkpoints source = request.location().equals(own.location()) ? own : Checkpoints.at(request.location(), hadoop);
    Optional<Checkpoints.Found> found = source.latest();
    Optional<String> why = found.isEmpty()
        ? Optional.of("it holds no complete checkpoint (a run writes one every checkpoint-every-epochs epochs and "
            + "deletes them when it finishes); run without --resume to start from scratch")
        : difference(config, files, found.get().checkpoint());
    if (why.isPresent()) {
      String where = found.map(Checkpoints.Found::location).orElse(source.location());
      if (request.required()) {
        throw InvalidOptionException.cannotResume(where, why.get());
      }
      log.warn("not resuming from {}: {}; training from scratch", where, why.get());
      return new Plan(null, source, own);
    }
    log.info("resuming from {}: {} of {} epochs done", found.get().location(), found.get().checkpoint().epoch(),
        config.epochs());
    return new Plan(found.get(), source, own);
  }

  /**
   * The first difference that keeps {@code config} on the input {@code files} from continuing {@code c}:
   * an option outside {@link #MAY_DIFFER}, fewer epochs than it has done, or an input file whose
   * content changed. Empty when it may continue.
   */
  public static Optional<String> difference(JobConfig config, List<MnistData.InputFile> files, Checkpoint c) {
    Map<String, Object> now = asJson(config.asMap());
    Set<String> keys = new LinkedHashSet<>(c.config().keySet());
    keys.addAll(now.keySet());
    for (String key : keys) {
      if (!MAY_DIFFER.contains(key) && !Objects.equals(c.config().get(key), now.get(key))) {
        return Optional.of("--" + key + " was " + c.config().get(key) + " in its run, this run has " + now.get(key)
            + " (only " + String.join(", ", MAY_DIFFER.stream().sorted().toList()) + " may change)");
      }
    }
    if (config.epochs() < c.epoch()) {
      return Optional.of("it has done " + c.epoch() + " epochs, more than this run's --epochs " + config.epochs());
    }
    return dataDifference(files, c.data());
  }

  private static Optional<String> dataDifference(List<MnistData.InputFile> now, List<MnistData.InputFile> then) {
    for (int i = 0; i < Math.max(now.size(), then.size()); i++) {
      MnistData.InputFile a = i < then.size() ? then.get(i) : null;
      MnistData.InputFile b = i < now.size() ? now.get(i) : null;
      if (a == null || b == null || !a.sha256().equals(b.sha256())) {
        return Optional.of("the data differ: " + describe(b) + " is not " + describe(a) + ", which its run read");
      }
    }
    return Optional.empty();
  }

  private static String describe(MnistData.InputFile f) {
    return f == null ? "(no file)" : f.path() + " (SHA-256 " + f.sha256().substring(0, 12) + "...)";
  }

  /** The values as they read back from checkpoint.json, so that 42L and 42 compare equal. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> asJson(Map<String, Object> config) {
    try {
      return Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(config), Map.class);
    } catch (IOException e) {
      throw new IllegalStateException("a configuration map always converts to JSON", e);
    }
  }

  /** A run from scratch would leave an unfinished run's checkpoints beside its output, resumable by mistake later. */
  private static void refuseLeftovers(Checkpoints own, String out) throws IOException {
    List<Integer> epochs = own.epochs();
    if (!epochs.isEmpty()) {
      throw new InvalidOptionException("--out", out, "has the checkpoints of an unfinished run in " + own.location() + " (after epoch " + epochs.get(epochs.size() - 1)
              + "): add --resume to continue it, or delete " + own.location() + " to start from scratch");
    }
  }
}
