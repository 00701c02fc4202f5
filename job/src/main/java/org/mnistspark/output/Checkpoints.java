package org.mnistspark.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.Json;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.data.MnistData;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.ModelState;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.ProgressState;
import org.mnistspark.train.TrainingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's checkpoints, in a folder beside its output ({@code OUT.checkpoints/epoch-0003/}) on any
 * Hadoop file system. The folder is a container whose manifest marks it as this job's; each
 * checkpoint in it is an {@link OutputFolder} written all or nothing, so a checkpoint either has
 * every file its manifest lists or is not read at all. Beside the output rather than in it, because
 * the output folder is replaced whole when the run saves.
 */
public final class Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
  public static final String SUFFIX = ".checkpoints";
  /** The container's kind, as its manifest records it. */
  static final String KIND = "checkpoints";
  /** One checkpoint's kind. */
  static final String CHECKPOINT_KIND = "checkpoint";
  static final String DESCRIPTION = "checkpoint.json";
  static final String MODEL = "model-state.bin";
  static final String BEST = "best-state.bin";
  private static final Pattern EPOCH = Pattern.compile("epoch-(\\d{4,9})");
  private static final int FORMAT = 1;

  private final Configuration hadoop;
  private final OutputFolder container;
  private boolean claimed;

  private Checkpoints(Configuration hadoop, OutputFolder container) {
    this.hadoop = hadoop;
    this.container = container;
  }

  /**
   * The checkpoints of the run whose output is {@code out}, checked as an output location is
   * before a run starts; nothing is created until the first checkpoint is written.
   *
   * @throws InvalidOptionException if the location cannot be used or holds something this job did not write
   */
  public static Checkpoints beside(String out, Configuration hadoop) throws IOException {
    return at(locationBeside(out), hadoop);
  }

  /** As {@link #beside}, for checkpoints at {@code location} itself. */
  public static Checkpoints at(String location, Configuration hadoop) throws IOException {
    return new Checkpoints(hadoop, OutputFolder.checkContainer("--out", location, KIND, hadoop, names -> false));
  }

  public static String locationBeside(String out) {
    return out.replaceAll("/+$", "") + SUFFIX;
  }

  public String location() {
    return container.toString();
  }

  /** What one checkpoint write cost. */
  public record Written(String location, long bytes, double seconds) {}

  /** A checkpoint as read back, with the folder it came from. */
  public record Found(String location, Checkpoint checkpoint) {}

  /** What checkpoint.json holds beside the two model states. */
  record Description(int format, int epoch, Map<String, Object> config, List<MnistData.InputFile> data,
      PixelScaler scaler, int partitions, ProgressState progress, String best, List<NetworkProbe> mechanism,
      String written) {}

  /**
   * Writes {@code c} as epoch-NNNN, all or nothing, then deletes all but the newest {@code keep}
   * complete checkpoints (only folders that still match their manifests).
   */
  public Written write(Checkpoint c, int keep) throws IOException {
    long start = System.nanoTime();
    claim();
    TrainingState t = c.training();
    byte[] model = t.model().toBytes();
    // the best check is often this epoch's last, whose parameters are the model's: stored once
    byte[] best = t.best() == null || t.best().sameAs(t.model()) ? null : t.best().toBytes();
    String bestFile = t.best() == null ? null : best == null ? MODEL : BEST;
    byte[] description = Json.MAPPER.writeValueAsBytes(new Description(FORMAT, c.epoch(), c.config(), c.data(),
        c.scaler(), c.partitions(), t.progress(), bestFile, c.mechanism(), java.time.Instant.now().toString()));
    OutputFolder folder = checkpoint(c.epoch());
    folder.replace(staging -> {
      staging.write(MODEL, model);
      if (best != null) {
        staging.write(BEST, best);
      }
      staging.write(DESCRIPTION, description);
    });
    long bytes = model.length + (best == null ? 0 : best.length) + description.length;
    Written written = new Written(folder.toString(), bytes, (System.nanoTime() - start) / 1e9);
    prune(keep);
    return written;
  }

  /**
   * The newest checkpoint that reads back as written. A newer one that does not (changed since, or
   * not this job's) is passed over with a warning: an older complete one continues the same run.
   */
  public Optional<Found> latest() throws IOException {
    List<Integer> epochs = new ArrayList<>(epochFolders());
    epochs.sort(Comparator.reverseOrder());
    for (int epoch : epochs) {
      OutputFolder folder = checkpoint(epoch);
      try {
        return Optional.of(new Found(folder.toString(), read(folder)));
      } catch (IOException | RuntimeException e) {
        log.warn("passing over checkpoint {}: {}", folder, e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Epochs of the complete checkpoints, oldest first. */
  public List<Integer> epochs() throws IOException {
    List<Integer> complete = new ArrayList<>();
    for (int epoch : epochFolders()) {
      if (isComplete(checkpoint(epoch))) {
        complete.add(epoch);
      }
    }
    return complete;
  }

  /**
   * Deletes every checkpoint that still matches its manifest, the temporary folders of writes that
   * were cut off by one of {@code writers} ({@link Temporaries#deletableBy}: those of another process
   * may still be in use), and the folder itself once nothing else is in it: a run that finished, or
   * that can never be resumed, needs none of them.
   */
  public void deleteAll(Set<String> writers) throws IOException {
    FileSystem fs = container.fileSystem();
    if (!fs.exists(container.path())) {
      return;
    }
    for (int epoch : epochFolders()) {
      if (!checkpoint(epoch).deleteIfOurs()) {
        log.warn("left {} in place: it does not match the manifest it was written with", checkpoint(epoch));
      }
    }
    boolean othersLeft = false;
    for (FileStatus s : fs.listStatus(container.path())) {
      String name = s.getPath().getName();
      if (Temporaries.writtenBy(name, writers)) {
        fs.delete(s.getPath(), true);
      } else if (!name.equals(OutputFolder.MANIFEST)) {
        othersLeft = true;
      }
    }
    if (!othersLeft) {
      fs.delete(container.path(), true);
    }
  }

  private void claim() throws IOException {
    if (!claimed) {
      OutputFolder.claimContainer("--out", location(), KIND, hadoop, names -> false);
      claimed = true;
    }
  }

  private void prune(int keep) throws IOException {
    List<Integer> complete = epochs();
    for (int i = 0; i < complete.size() - keep; i++) {
      OutputFolder old = checkpoint(complete.get(i));
      if (old.deleteIfOurs()) {
        log.info("deleted checkpoint {} (keeping the newest {})", old, keep);
      }
    }
  }

  private Checkpoint read(OutputFolder folder) throws IOException {
    Description d = Json.MAPPER.readValue(folder.readVerified(DESCRIPTION), Description.class);
    if (d.format() != FORMAT) {
      throw new IOException("checkpoint format " + d.format() + ", this job reads " + FORMAT);
    }
    ModelState model = ModelState.fromBytes(folder.readVerified(MODEL));
    ModelState best = d.best() == null ? null : d.best().equals(MODEL) ? model : ModelState.fromBytes(folder.readVerified(BEST));
    return new Checkpoint(d.config(), d.data(), d.scaler(), d.partitions(), d.mechanism(),
        new TrainingState(d.epoch(), model, best, d.progress()));
  }

  private OutputFolder checkpoint(int epoch) {
    return OutputFolder.at("--out", new Path(container.path(), String.format(Locale.ROOT, "epoch-%04d", epoch)).toString(),
        CHECKPOINT_KIND, hadoop);
  }

  private static boolean isComplete(OutputFolder folder) throws IOException {
    try {
      return folder.recognise().isPresent();
    } catch (InvalidOptionException e) {
      return false;
    }
  }

  /** Epochs of the folders named epoch-NNNN, complete or not. */
  private List<Integer> epochFolders() throws IOException {
    List<Integer> epochs = new ArrayList<>();
    FileSystem fs = container.fileSystem();
    if (!fs.exists(container.path())) {
      return epochs;
    }
    for (FileStatus s : fs.listStatus(container.path())) {
      Matcher m = EPOCH.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches()) {
        epochs.add(Integer.parseInt(m.group(1)));
      }
    }
    epochs.sort(null);
    return epochs;
  }
}
