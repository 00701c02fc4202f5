package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.Checkpoint;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.pipeline.Resumption;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.ModelState;
import org.mnistspark.train.ProgressState;
import org.mnistspark.train.TrainingState;

/**
 * A checkpoint continues only the run that wrote it: resuming with a changed option, changed data
 * or fewer epochs, resuming where there is no checkpoint, and starting from scratch over an
 * unfinished run's checkpoints each exit 2 with one line naming what differs, before Spark starts,
 * leaving the checkpoints as they were.
 */
class ResumeRefusedTest {
  static final String MNIST = RealMnist.DIR;
  static final List<String> OPTIONS = List.of("--master", "local[2]", "--train-limit", "2000");
  static MnistData data;

  @TempDir Path tmp;
  Path out;
  Path checkpoints;

  @BeforeAll
  static void mnist() throws Exception {
    RealMnist.dir();
    data = RealMnist.data();
  }

  /** A checkpoint after epoch 2 of a run with OPTIONS, as the train command would write it. */
  @BeforeEach
  void unfinishedRun() throws Exception {
    out = tmp.resolve("run");
    checkpoints = tmp.resolve("run.checkpoints");
    JobConfig config = JobConfig.load(null, Map.of("master", "local[2]", "train-limit", 2000, "epochs", 4,
        "data", MNIST, "out", out.toString()));
    ProgressState progress = new ProgressState(List.of(), List.of(), 0, 3200, null, null);
    TrainingState state = new TrainingState(2, ModelState.of(LeNet.network(config, 1)), null, progress);
    Checkpoints.beside(out.toString(), new Configuration()).write(
        new Checkpoint(config.asMap(), data.files(), PixelScaler.minmax(), 2, List.of(), state), 2);
  }

  @Test
  void aChangedOptionIsNamed() throws Exception {
    assertRefused("cannot resume from " + checkpoint(2) + ": --learning-rate was 0.002 in its run, this run has 0.001 "
        + "(only checkpoint-every-epochs, data, epochs, keep-checkpoints, master, out, out-lock-wait, threads-per-task may change)",
        MNIST, "--resume", "--learning-rate", "0.001");
    assertRefused("cannot resume from " + checkpoint(2) + ": --scaling was minmax in its run, this run has standardize "
        + "(only checkpoint-every-epochs, data, epochs, keep-checkpoints, master, out, out-lock-wait, threads-per-task may change)",
        MNIST, "--resume", "--scaling", "standardize");
  }

  @Test
  void changedDataAreNamedByTheFirstFileThatDiffers() throws Exception {
    // the same images, one training label changed (from 5 to 3): a valid data set, but not the one trained on
    Path changed = Files.createDirectories(tmp.resolve("changed"));
    for (String name : List.of(MnistLoader.TRAIN_IMAGES, MnistLoader.TEST_IMAGES, MnistLoader.TEST_LABELS)) {
      Files.createSymbolicLink(changed.resolve(name), Path.of(MNIST, name).toAbsolutePath());
    }
    byte[] labels = Files.readAllBytes(Path.of(MNIST, MnistLoader.TRAIN_LABELS));
    labels[8] = 3;
    Files.write(changed.resolve(MnistLoader.TRAIN_LABELS), labels);
    String then = data.files().get(1).sha256().substring(0, 12);
    String now = org.apache.commons.codec.digest.DigestUtils.sha256Hex(labels).substring(0, 12);

    assertRefused("cannot resume from " + checkpoint(2) + ": the data differ: file:" + changed.resolve(MnistLoader.TRAIN_LABELS)
        + " (SHA-256 " + now + "...) is not " + data.files().get(1).path() + " (SHA-256 " + then + "...), which its run read",
        changed.toString(), "--resume");
  }

  @Test
  void fewerEpochsThanTheCheckpointHasDone() throws Exception {
    assertRefused("cannot resume from " + checkpoint(2) + ": it has done 2 epochs, more than this run's --epochs 1",
        MNIST, "--resume", "--epochs", "1");
  }

  @Test
  void noCheckpointToResumeFrom() throws Exception {
    Path elsewhere = tmp.resolve("other");
    out = elsewhere;
    assertRefused("cannot resume from file:" + tmp.resolve("other.checkpoints") + ": it holds no complete checkpoint "
        + "(a run writes one every checkpoint-every-epochs epochs and deletes them when it finishes); run without "
        + "--resume to start from scratch", MNIST, "--resume");
  }

  @Test
  void aRunFromScratchDoesNotLeaveAnUnfinishedRunsCheckpointsBehind() throws Exception {
    assertRefused("Invalid value '" + out + "' for option '--out': has the checkpoints of an unfinished run in file:"
        + checkpoints + " (after epoch 2): add --resume to continue it, or delete file:" + checkpoints
        + " to start from scratch", MNIST);
  }

  @Test
  void whereAndHowFastItRunsAndForHowLongMayChange() throws Exception {
    JobConfig changed = JobConfig.load(null, Map.of("master", "local[3]", "train-limit", 2000, "epochs", 6,
        "data", "file:" + Path.of(MNIST).toAbsolutePath(), "out", out.toString(), "threads-per-task", 2,
        "checkpoint-every-epochs", 2, "keep-checkpoints", 5));
    MnistData sameContent = new MnistLoader(new Configuration()).load(changed.data());
    Resumption.Plan plan = Resumption.plan(changed, sameContent, new Configuration(),
        new Resumption.Request(checkpoints.toString(), true));
    assertThat(plan.resumed().epoch()).isEqualTo(2);
    assertThat(plan.resumed().checkpoint()).isEqualTo(checkpoint(2));
  }

  private String checkpoint(int epoch) {
    return "file:" + checkpoints.resolve(String.format("epoch-%04d", epoch));
  }

  private void assertRefused(String line, String data, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("train", "--data", data, "--out", out.toString()));
    args.addAll(OPTIONS);
    args.addAll(List.of(options));
    List<String> before = listing();
    CliRun.execute(args).assertRefused("mnist-job: " + line);

    assertThat(out).doesNotExist();
    assertThat(listing()).as("nothing written or deleted").isEqualTo(before);
  }

  private List<String> listing() throws Exception {
    try (var files = Files.walk(tmp)) {
      return files.map(Path::toString).sorted().toList();
    }
  }

}
