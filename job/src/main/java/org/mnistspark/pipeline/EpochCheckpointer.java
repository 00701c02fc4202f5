package org.mnistspark.pipeline;

import java.util.List;

import java.util.Locale;
import java.util.function.Consumer;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.output.Checkpoint;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.MechanismProbes;
import org.mnistspark.train.TrainingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the trainer's state every checkpoint-every-epochs epochs, with what the run fixed before
 * training, and keeps count of what it cost. A checkpoint that cannot be written is logged and
 * training goes on: the run itself is unharmed, only a resume would start further back.
 */
final class EpochCheckpointer implements Consumer<TrainingState> {
  private static final Logger log = LoggerFactory.getLogger(EpochCheckpointer.class);
  private final Checkpoints target;
  private final JobConfig config;
  private final List<MnistData.InputFile> files;
  private final PixelScaler scaler;
  private final int partitions;
  private final MechanismProbes probes;
  private int written;
  private int failed;
  private double seconds;
  private long bytes;

  /** @param target where to write; null to write nothing */
  EpochCheckpointer(Checkpoints target, JobConfig config, List<MnistData.InputFile> files, PixelScaler scaler, int partitions,
      MechanismProbes probes) {
    this.target = target;
    this.config = config;
    this.files = files;
    this.scaler = scaler;
    this.partitions = partitions;
    this.probes = probes;
  }

  @Override
  public void accept(TrainingState state) {
    int every = config.checkpointEveryEpochs();
    if (target == null || every == 0 || state.epoch() % every != 0) {
      return;
    }
    Checkpoint c = new Checkpoint(config.asMap(), files, scaler, partitions, probes.measured(), state);
    try {
      Checkpoints.Written w = target.write(c, config.keepCheckpoints());
      written++;
      seconds += w.seconds();
      bytes += w.bytes();
      log.info(String.format(Locale.ROOT, "checkpoint after epoch %d/%d: %s, %.1f MB in %.2f s", state.epoch(),
          config.epochs(), w.location(), w.bytes() / 1e6, w.seconds()));
    } catch (Exception e) {
      failed++;
      log.warn("could not write the checkpoint after epoch {} to {} ({}); training goes on, a resume would start from "
          + "an earlier checkpoint", state.epoch(), target.location(), e.getMessage());
    }
  }

  /** For metrics.json; null when this run was not to write any. */
  RunMetrics.CheckpointCost cost() {
    if (target == null || config.checkpointEveryEpochs() == 0 || written + failed == 0) {
      return null;
    }
    return new RunMetrics.CheckpointCost(config.checkpointEveryEpochs(), written, written == 0 ? 0 : seconds / written,
        written == 0 ? 0 : bytes / written, failed);
  }
}
