package org.mnistspark.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.Json;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.lock.AtomicFiles;
import org.mnistspark.lock.LeaseLock;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.OutputLock;

/**
 * The retraining folder and the few file operations retraining needs, each atomic where it
 * matters, on the local file system and on HDFS alike:
 * <pre>
 *   ROOT/runs/20261125T093000Z/   model.zip, metrics.json, evaluation.txt of one run
 *   ROOT/runs/20261125T093000Z.checkpoints/   a candidate's checkpoints while it trains (see Checkpoints)
 *   ROOT/production               the production run's name, one line
 *   ROOT/history.jsonl            one JSON line per run
 *   ROOT/history.jsonl.lock       present for the moment of one append (see History)
 *   ROOT/retrain.lock             present while a retrain runs; names its process and lease
 * </pre>
 * Small files are written and replaced through {@link AtomicFiles}: flushed to disk before the
 * rename that publishes them, so a reader sees the old file or the new one, never a half-written
 * one, and a power loss cannot leave an empty one.
 */
public final class RetrainRoot {
  public static final String RUNS = "runs";
  public static final String PRODUCTION = "production";
  public static final String HISTORY = "history.jsonl";
  public static final String LOCK = "retrain.lock";
  public static final String HISTORY_LOCK = "history.jsonl.lock";
  /** The kind of output folder a retraining root is, as its manifest records it. */
  static final String KIND = "retrain-root";

  private final Configuration hadoop;
  private final FileSystem fs;
  private final AtomicFiles files;
  private final Path root;

  private RetrainRoot(Configuration hadoop, FileSystem fs, Path root) {
    this.hadoop = hadoop;
    this.fs = fs;
    this.files = new AtomicFiles(hadoop, fs);
    this.root = root;
  }

  /**
   * Returns the retraining folder at {@code root} (any Hadoop path), creating it (with a manifest
   * that marks it as one) and runs/ when missing.
   *
   * @throws InvalidOptionException if {@code root} is not a path of a known file system, its parent
   *     is missing or not writable, or it is a file or a folder this job did not write
   * @throws IOException if the file system fails
   */
  public static RetrainRoot open(String root, Configuration hadoop) throws IOException {
    OutputFolder folder = OutputFolder.claimContainer("root", root, KIND, hadoop, RetrainRoot::isEarlierRoot);
    FileSystem fs = folder.fileSystem();
    fs.mkdirs(new Path(folder.path(), RUNS));
    return new RetrainRoot(hadoop, fs, folder.path());
  }

  /** Whether a folder without a manifest holds only what a retraining root of an earlier version did. */
  private static boolean isEarlierRoot(Set<String> names) {
    return names.stream().allMatch(n -> Set.of(RUNS, PRODUCTION, HISTORY, LOCK, HISTORY_LOCK).contains(n)
        || n.startsWith("." + PRODUCTION + ".") || n.startsWith("." + HISTORY + ".") || n.startsWith("." + LOCK + "."));
  }

  public Path root() {
    return root;
  }

  public Path runs() {
    return new Path(root, RUNS);
  }

  public Path run(String name) {
    return new Path(runs(), name);
  }

  public Path production() {
    return new Path(root, PRODUCTION);
  }

  public Path history() {
    return new Path(root, HISTORY);
  }

  public Path lock() {
    return new Path(root, LOCK);
  }

  public Path historyLock() {
    return new Path(root, HISTORY_LOCK);
  }

  public Configuration hadoop() {
    return hadoop;
  }

  /**
   * The production file exists but does not name a run: empty (a write cut short, e.g. by a power
   * loss), something else, or unreadable. Fails closed: a retrain refuses to promote until it is
   * repaired, since reading it as "no production" would judge a candidate on the floor alone.
   */
  public static final class ProductionPointerException extends IOException {
    ProductionPointerException(Path file, String problem, Throwable cause) {
      super(file + " " + problem + "; refusing to promote, production is left as it is. Write the name of the "
          + "production run (a folder in runs/; history.jsonl's last promoted or reconciled line names it) into it, "
          + "then retrain again", cause);
    }
  }

  /** The most a production file holding one run name (and a newline) can need. */
  private static final int POINTER_MAX_BYTES = 256;

  /**
   * Returns the name of the production run, or empty when there is no production file (no run was
   * promoted yet).
   *
   * @throws ProductionPointerException if the file exists but is not one run name, or cannot be read
   * @throws IOException if the file system fails
   */
  public Optional<String> productionRun() throws IOException {
    Path file = production();
    FileStatus status;
    try {
      status = fs.getFileStatus(file);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    if (status.isDirectory()) {
      throw new ProductionPointerException(file, "is a folder, not a file naming a run", null);
    }
    if (status.getLen() > POINTER_MAX_BYTES) {
      throw new ProductionPointerException(file, "is " + status.getLen() + " bytes, not one run name", null);
    }
    String text;
    try (InputStream in = fs.open(file)) {
      text = new String(in.readNBytes(POINTER_MAX_BYTES + 1), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // a missing file was handled above: one that vanished since, or a permission, is no "no production"
      throw new ProductionPointerException(file, "cannot be read (" + e.getMessage() + ")", e);
    }
    String name = text.trim();
    if (name.isEmpty()) {
      throw new ProductionPointerException(file, "is empty (" + text.length() + " characters; a replacement cut "
          + "short, e.g. by a power loss, can leave it so)", null);
    }
    if (!RunName.isRunName(name)) {
      throw new ProductionPointerException(file, "holds '" + printable(name) + "', not a run name such as "
          + "20261125T093000Z", null);
    }
    return Optional.of(name);
  }

  /** {@code s} on one line, at most 40 characters, for a message. */
  private static String printable(String s) {
    String line = s.replaceAll("\\p{Cntrl}", "?");
    return line.length() > 40 ? line.substring(0, 40) + "..." : line;
  }

  /** Points production at {@code run}, atomically. */
  public void setProduction(String run) throws IOException {
    replace(production(), run + "\n");
  }

  /** The atomic file operations on this root's file system ({@link AtomicFiles}). */
  public AtomicFiles files() {
    return files;
  }

  /** Returns the text of {@code file}, or empty if it does not exist. */
  public Optional<String> read(Path file) throws IOException {
    return files.read(file);
  }

  public boolean exists(Path p) throws IOException {
    return files.exists(p);
  }

  /** As {@link AtomicFiles#createExclusively}. */
  public boolean createExclusively(Path target, String content) throws IOException {
    return files.createExclusively(target, content);
  }

  /** Replaces (or creates) {@code target} with {@code content}, atomically. */
  public void replace(Path target, String content) throws IOException {
    files.replace(target, content);
  }

  /** As {@link AtomicFiles#move}. */
  public boolean move(Path from, Path to) throws IOException {
    return files.move(from, to);
  }

  /** As {@link AtomicFiles#removeIfUnchanged}. */
  public Optional<Path> removeIfUnchanged(Path file, String expected) throws IOException {
    return files.removeIfUnchanged(file, expected);
  }

  /** As {@link AtomicFiles#replaceIfUnchanged}. */
  public boolean replaceIfUnchanged(Path file, String expected, String content) throws IOException {
    return files.replaceIfUnchanged(file, expected, content);
  }

  /** As {@link AtomicFiles#deleteIfUnchanged}. */
  public boolean deleteIfUnchanged(Path file, String expected) throws IOException {
    return files.deleteIfUnchanged(file, expected);
  }

  /** As {@link AtomicFiles#tombstone}. */
  public Path tombstone(Path file, String content) {
    return files.tombstone(file, content);
  }

  /** As {@link AtomicFiles#hiddenSiblings}. */
  public List<Path> hiddenSiblings(Path target, String kind) throws IOException {
    return files.hiddenSiblings(target, kind);
  }

  public boolean delete(Path p, boolean recursive) throws IOException {
    return files.delete(p, recursive);
  }

  /** Removes the lock of a run in runs/ if one of {@code writers}, not this process, holds it: a candidate that stopped. */
  private boolean removeLockOf(Path lock, Set<String> writers) throws IOException {
    Optional<String> content = files.read(lock);
    String holder;
    try {
      holder = content.isEmpty() ? null
          : Temporaries.tokenOf(Json.MAPPER.readValue(content.get(), LeaseLock.Holder.class).process());
    } catch (JsonProcessingException e) {
      return false;
    }
    if (holder == null || holder.equals(Temporaries.SELF) || !writers.contains(holder)) {
      return false;
    }
    Optional<Path> tomb = files.removeIfUnchanged(lock, content.get());
    if (tomb.isPresent()) {
      files.delete(tomb.get(), false);
    }
    return tomb.isPresent();
  }

  /** Returns the names of the run folders in runs/, oldest first. */
  public List<String> runNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(runs())) {
      if (s.isDirectory() && RunName.isRunName(s.getPath().getName())) {
        names.add(s.getPath().getName());
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * Returns the names of the runs in runs/ that have checkpoints beside them ({@code RUN.checkpoints}),
   * oldest first: candidates that stopped before they finished.
   */
  public List<String> checkpointedRuns() throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(runs())) {
      String name = s.getPath().getName();
      if (s.isDirectory() && name.endsWith(Checkpoints.SUFFIX)
          && RunName.isRunName(name.substring(0, name.length() - Checkpoints.SUFFIX.length()))) {
        names.add(name.substring(0, name.length() - Checkpoints.SUFFIX.length()));
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * Deletes what a stopped run left half-written: the temporary folders of {@link OutputFolder} in
   * runs/ (a run folder is written once, so none of them holds an earlier output), its candidate's
   * {@link OutputLock} and temporary copies of production, of the processes {@code writers} names ({@link Temporaries#deletableBy}:
   * this one and the retrain whose stale lock it took over); another's may still be in use. Call it
   * only while holding the lock. History's temporaries are not among them: a run that lost the lock
   * may still be appending its last line ({@link History#deleteLeftovers}).
   *
   * @return the paths deleted
   */
  public List<Path> deleteLeftovers(Set<String> writers) throws IOException {
    List<Path> deleted = new ArrayList<>();
    for (FileStatus s : fs.listStatus(runs())) {
      if (Temporaries.writtenBy(s.getPath().getName(), writers) && fs.delete(s.getPath(), true)) {
        deleted.add(s.getPath());
      }
      if (s.getPath().getName().endsWith(OutputLock.SUFFIX) && removeLockOf(s.getPath(), writers)) {
        deleted.add(s.getPath());
      }
    }
    for (FileStatus s : fs.listStatus(root)) {
      String name = s.getPath().getName();
      if (name.startsWith("." + PRODUCTION + ".") && Temporaries.writtenBy(name, writers)
          && fs.delete(s.getPath(), true)) {
        deleted.add(s.getPath());
      }
    }
    return deleted;
  }
}
