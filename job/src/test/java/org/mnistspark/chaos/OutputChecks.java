package org.mnistspark.chaos;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.Manifest;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.retrain.History;
import org.mnistspark.retrain.HistoryEntry;
import org.mnistspark.retrain.RetrainRoot;

/**
 * What the chaos run checks after each run, through the job's own readers: an output folder holds
 * either what it held before or a complete output that matches its manifest; production names a
 * run that loads and that the gate promoted; a resumed model is the uninterrupted one; nothing
 * half-written or locked is left.
 */
final class OutputChecks {
  /** The files every saved train output has. */
  private static final List<String> REQUIRED = List.of(ModelStore.MODEL, ModelStore.METRICS, ModelStore.EVALUATION);

  /** One check's result as a table cell. */
  record Check(String text, boolean ok) {
    static Check pass(String text) {
      return new Check(text, true);
    }

    static Check fail(String text) {
      return new Check(text, false);
    }
  }

  private final Configuration hadoop;
  private final ModelStore store;

  OutputChecks(Configuration hadoop) {
    this.hadoop = hadoop;
    this.store = new ModelStore(hadoop);
  }

  /** The manifest of the output at {@code out} as it is now; empty if it has none. */
  Optional<byte[]> manifest(String out) throws IOException {
    Path p = new Path(out, OutputFolder.MANIFEST);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code out} holds what it held before the run (a manifest of {@code before}) or a new
   * complete output, every file as its manifest records it, the model loadable.
   */
  Check output(String out, Optional<byte[]> before) {
    try {
      Optional<byte[]> now = manifest(out);
      if (now.isEmpty()) {
        Path dir = new Path(out);
        FileSystem fs = dir.getFileSystem(hadoop);
        if (fs.exists(dir) && fs.listStatus(dir).length > 0) {
          return Check.fail("CORRUPT: files without a manifest");
        }
        return before.isPresent() ? Check.fail("LOST: the earlier output is gone") : Check.pass("nothing new");
      }
      String problem = verify(out);
      if (problem != null) {
        return Check.fail("CORRUPT: " + problem);
      }
      return Check.pass(before.isPresent() && Arrays.equals(before.get(), now.get()) ? "earlier output, verified"
          : "new output, verified");
    } catch (IOException | RuntimeException e) {
      return Check.fail("CORRUPT: " + e.getMessage());
    }
  }

  /** What is wrong with the output at {@code out}, or null if it is complete and as written. */
  private String verify(String out) throws IOException {
    OutputFolder folder = OutputFolder.at("--out", out, ModelStore.KIND, hadoop);
    Manifest manifest = org.mnistspark.Json.MAPPER.readValue(manifest(out).orElseThrow(), Manifest.class);
    TreeSet<String> listed = new TreeSet<>();
    for (FileStatus st : folder.fileSystem().listStatus(folder.path())) {
      listed.add(st.getPath().getName());
    }
    TreeSet<String> recorded = new TreeSet<>(List.of(OutputFolder.MANIFEST));
    manifest.files().forEach(e -> recorded.add(e.name()));
    if (!listed.equals(recorded)) {
      return "holds " + listed + ", its manifest records " + recorded;
    }
    if (!recorded.containsAll(REQUIRED)) {
      return "lacks one of " + REQUIRED;
    }
    for (Manifest.Entry e : manifest.files()) {
      folder.readVerified(e.name());
    }
    store.load(new Path(out, ModelStore.MODEL).toString());
    return null;
  }

  /** Whether the model of {@code out} is the model of {@code reference}, bit for bit (every entry of model.zip). */
  Check sameModel(String out, String reference) {
    try {
      return entries(out).equals(entries(reference)) ? Check.pass("yes, bit for bit")
          : Check.fail("NO: model.zip differs from the reference's");
    } catch (IOException e) {
      return Check.fail("NO: " + e.getMessage());
    }
  }

  private Map<String, String> entries(String out) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    byte[] zip = store.readModel(new Path(out, ModelStore.MODEL).toString());
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), org.apache.commons.codec.digest.DigestUtils.sha256Hex(in.readAllBytes()));
      }
    }
    return entries;
  }

  /**
   * Whether production at {@code root} names a run whose model loads as written, that history
   * records as promoted (or reconciled) and never as kept, whose accuracy reaches {@code floor}.
   */
  Check production(String root, double floor) {
    try {
      Path dir = new Path(root);
      if (!dir.getFileSystem(hadoop).exists(dir)) {
        return Check.pass("none yet");
      }
      RetrainRoot r = RetrainRoot.open(root, hadoop);
      List<HistoryEntry> history = new History(r).read();
      Optional<String> production = r.productionRun();
      if (production.isEmpty()) {
        return History.lastProduction(history).isPresent() ? Check.fail("LOST: history names one, the file is gone")
            : Check.pass("none yet");
      }
      String run = production.get();
      store.load(new Path(r.run(run), ModelStore.MODEL).toString());
      double accuracy = store.readMetrics(r.run(run).toString()).test().accuracy();
      List<String> decisions = history.stream().filter(e -> run.equals(e.run())).map(HistoryEntry::decision).toList();
      if (decisions.contains(History.KEPT) || !(decisions.contains(History.PROMOTED)
          || decisions.contains(History.RECONCILED))) {
        return Check.fail("REFUSED MODEL: " + run + " is production, history says " + decisions);
      }
      if (accuracy < floor) {
        return Check.fail("BELOW FLOOR: " + run + " " + accuracy);
      }
      return Check.pass(run + " loads (" + String.format("%.4f", accuracy) + ")");
    } catch (IOException | RuntimeException e) {
      return Check.fail("UNLOADABLE: " + e.getMessage());
    }
  }

  /**
   * Temporaries, locks and checkpoints left under {@code dir} once every run has ended: hidden
   * names (the job's temporaries and tombstones), *.lock files, and checkpoints beside a saved
   * output. With {@code staleLocksAllowed} (a full disk, where releasing a lock can fail: the next
   * run takes it over) a lock is named but passes.
   */
  Check leftovers(String dir, boolean staleLocksAllowed) {
    List<String> left = new ArrayList<>();
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(hadoop);
      if (fs.exists(p)) {
        collect(fs, p, left);
      }
    } catch (IOException e) {
      return Check.fail("cannot list " + dir + ": " + e.getMessage());
    }
    List<String> locks = left.stream().filter(n -> n.endsWith(".lock")).toList();
    if (left.isEmpty() || (staleLocksAllowed && locks.size() == left.size())) {
      return Check.pass(left.isEmpty() ? "none" : "stale lock " + String.join(", ", locks) + " (its release failed on "
          + "the full disk; the next run takes it over)");
    }
    return Check.fail(String.join(", ", left));
  }

  private static void collect(FileSystem fs, Path dir, List<String> left) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      Path saved = name.endsWith(Checkpoints.SUFFIX)
          ? new Path(dir, name.substring(0, name.length() - Checkpoints.SUFFIX.length()) + "/" + OutputFolder.MANIFEST)
          : null;
      if (name.startsWith(".") || name.endsWith(".lock") || (saved != null && fs.exists(saved))) {
        left.add(st.getPath().toUri().getPath());
      } else if (st.isDirectory()) {
        collect(fs, st.getPath(), left);
      }
    }
  }
}
