package org.mnistspark.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.RealMnist;
import org.mnistspark.lock.ProcessIdentity;
import org.mnistspark.lock.Temporaries;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.ModelState;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.ProgressState;
import org.mnistspark.train.TrainingState;
import org.mnistspark.train.ValidationPoint;

/**
 * Checkpoint folders on the local file system: what one holds reads back bit for bit, each is
 * written all or nothing, only the newest K remain, and nothing this job did not write is used or deleted.
 */
class CheckpointsTest {
  static final String MNIST = RealMnist.DIR;
  /** The temporaries this process may delete: its own. */
  static final Set<String> OWN = Temporaries.deletableBy(Optional.empty());
  static JobConfig config;
  static MnistData data;
  static ModelState initial;
  static ModelState other;

  @TempDir Path tmp;

  @BeforeAll
  static void networks() throws Exception {
    RealMnist.dir();
    config = JobConfig.load(null, Map.of("master", "local[2]", "data", MNIST, "train-limit", 2000));
    data = RealMnist.data();
    initial = ModelState.of(LeNet.network(config, 1));
    other = ModelState.of(LeNet.network(config.withSeed(7), 1));
  }

  @AfterEach
  void noMoreFaults() {
    RenameFailingLocalFileSystem.reset();
  }

  /** A checkpoint after {@code epoch} whose best check is {@code best} (null: none). */
  static Checkpoint checkpoint(int epoch, ModelState best) {
    List<ValidationPoint> curve = List.of(new ValidationPoint(epoch - 0.5, 800L * epoch - 400, 1.25 * epoch, 0.9, 0.31),
        new ValidationPoint(epoch, 800L * epoch, 2.5 * epoch, 0.91, null));
    ProgressState progress = new ProgressState(curve, List.of(new EpochStats(epoch, 2.5, 320.0, 0.4, 0.91, 800, 0.3)),
        2_500_000_000L * epoch, 800L * epoch, best == null ? null : curve.get(1), curve.get(1));
    return new Checkpoint(config.asMap(), data.files(), PixelScaler.standardized(33.318421449829934, 78.56748998339798),
        2, List.of(new NetworkProbe(0, 0, List.of(new LayerProbe("conv1", 10.6, 196, 0.12, 220)))),
        new TrainingState(epoch, initial, best, progress));
  }

  private Checkpoints checkpoints(Configuration conf) throws IOException {
    return Checkpoints.beside(tmp.resolve("run").toString(), conf);
  }

  @Test
  void everyPartReadsBackBitForBitAndABestEqualToTheModelIsStoredOnce() throws Exception {
    Checkpoints c = checkpoints(new Configuration());
    Checkpoints.Written first = c.write(checkpoint(1, initial), 2);
    c.write(checkpoint(2, other), 2);

    Path folder = tmp.resolve("run.checkpoints");
    assertThat(names(folder)).containsExactly("epoch-0001", "epoch-0002", OutputFolder.MANIFEST);
    assertThat(names(folder.resolve("epoch-0001"))).containsExactly("checkpoint.json", OutputFolder.MANIFEST, "model-state.bin");
    assertThat(names(folder.resolve("epoch-0002")))
        .containsExactly("best-state.bin", "checkpoint.json", OutputFolder.MANIFEST, "model-state.bin");
    // 1,256,080 parameters and twice as many Adam moments, as floats, plus a header and the JSON
    assertThat(first.bytes()).isBetween(3 * 4 * 1_256_080L, 3 * 4 * 1_256_080L + 20_000);

    Checkpoints.Found found = c.latest().orElseThrow();
    assertThat(found.location()).startsWith("file:").endsWith("/run.checkpoints/epoch-0002");
    Checkpoint expected = checkpoint(2, other);
    Checkpoint read = found.checkpoint();
    assertThat(read.epoch()).isEqualTo(2);
    assertThat(read.training().model().sameAs(initial)).isTrue();
    assertThat(read.training().best().sameAs(other)).isTrue();
    assertThat(read.training().progress()).isEqualTo(expected.training().progress());
    assertThat(read.scaler()).isEqualTo(expected.scaler());
    assertThat(read.data()).isEqualTo(data.files());
    assertThat(read.partitions()).isEqualTo(2);
    assertThat(read.mechanism()).isEqualTo(expected.mechanism());
    assertThat(read.config()).containsOnlyKeys(config.asMap().keySet()).containsEntry("learning-rate", 0.002)
        .containsEntry("seed", 42).containsEntry("train-limit", 2000).containsEntry("scaling", "minmax");

    c.write(checkpoint(3, initial), 2);
    assertThat(names(folder.resolve("epoch-0003"))).doesNotContain("best-state.bin");
    TrainingState third = c.latest().orElseThrow().checkpoint().training();
    assertThat(third.best()).as("stored once, read as the model").isSameAs(third.model());
    assertThat(third.best().sameAs(initial)).isTrue();
  }

  @Test
  void onlyTheNewestKRemainAndAFolderItDidNotWriteIsNeitherUsedNorDeleted() throws Exception {
    Path folder = tmp.resolve("run.checkpoints");
    Checkpoints c = checkpoints(new Configuration());
    c.write(checkpoint(1, null), 2);
    Files.createDirectories(folder.resolve("epoch-0009"));
    Files.writeString(folder.resolve("epoch-0009/notes.txt"), "someone else's");
    for (int e = 2; e <= 4; e++) {
      c.write(checkpoint(e, null), 2);
    }
    assertThat(names(folder)).containsExactly("epoch-0003", "epoch-0004", "epoch-0009", OutputFolder.MANIFEST);
    assertThat(c.epochs()).containsExactly(3, 4);
    assertThat(c.latest().orElseThrow().checkpoint().epoch()).isEqualTo(4);

    c.write(checkpoint(5, null), 1);
    assertThat(names(folder)).containsExactly("epoch-0005", "epoch-0009", OutputFolder.MANIFEST);

    c.deleteAll(OWN);
    assertThat(names(folder)).as("the folder it did not write, and the manifest that marks the container")
        .containsExactly("epoch-0009", OutputFolder.MANIFEST);
    assertThat(folder.resolve("epoch-0009/notes.txt")).hasContent("someone else's");
    Files.delete(folder.resolve("epoch-0009/notes.txt"));
    Files.delete(folder.resolve("epoch-0009"));
    c.deleteAll(OWN);
    assertThat(folder).doesNotExist();
  }

  @Test
  void aWriteThatFailsLeavesNoCheckpointAndTheEarlierOnesWhole() throws Exception {
    Path folder = tmp.resolve("run.checkpoints");
    Checkpoints c = checkpoints(RenameFailingLocalFileSystem.configuration());
    c.write(checkpoint(1, null), 2);
    c.write(checkpoint(2, null), 2);
    RenameFailingLocalFileSystem.failFrom = ".epoch-0003.tmp-";
    assertThatThrownBy(() -> c.write(checkpoint(3, null), 2)).isInstanceOf(IOException.class)
        .hasMessageContaining("injected failure");

    List<String> names = names(folder);
    assertThat(names).hasSize(4).contains("epoch-0001", "epoch-0002", OutputFolder.MANIFEST);
    String staged = names.stream().filter(n -> n.startsWith(".epoch-0003.tmp-")).findFirst().orElseThrow();
    assertThat(Temporaries.writtenBy(staged, OWN)).isTrue();
    assertThat(c.epochs()).containsExactly(1, 2);
    assertThat(c.latest().orElseThrow().checkpoint().epoch()).isEqualTo(2);

    RenameFailingLocalFileSystem.reset();
    c.deleteAll(OWN);
    assertThat(folder).as("the staged folder of the failed write went too").doesNotExist();
  }

  @Test
  void deleteAllLeavesWhatLooksLikeATemporaryAndAnotherLiveProcesssTemporary() throws Exception {
    Path folder = tmp.resolve("run.checkpoints");
    Checkpoints c = checkpoints(new Configuration());
    c.write(checkpoint(1, null), 2);
    Files.writeString(folder.resolve(".notes.old-1"), "the operator's");
    ProcessIdentity other = new ProcessIdentity("elsewhere", "boot", "pid:[1]", 4242, null);
    String othersWrite = ".epoch-0002.tmp-" + Temporaries.tokenOf(other) + "-00000001";
    Files.createDirectories(folder.resolve(othersWrite));

    c.deleteAll(OWN);
    assertThat(names(folder)).containsExactly(".epoch-0002.tmp-" + Temporaries.tokenOf(other) + "-00000001",
        ".notes.old-1", OutputFolder.MANIFEST);
    assertThat(folder.resolve(".notes.old-1")).hasContent("the operator's");

    // once that process is known to have stopped (its lock was taken over), its leftover goes
    c.deleteAll(Temporaries.deletableBy(Optional.of(other)));
    assertThat(names(folder)).containsExactly(".notes.old-1", OutputFolder.MANIFEST);
  }

  @Test
  void aCheckpointChangedSinceItWasWrittenIsPassedOverForTheOneBefore() throws Exception {
    Checkpoints c = checkpoints(new Configuration());
    c.write(checkpoint(1, null), 2);
    c.write(checkpoint(2, null), 2);
    Path state = tmp.resolve("run.checkpoints/epoch-0002/model-state.bin");
    byte[] bytes = Files.readAllBytes(state);
    bytes[100] ^= 1;
    Files.write(state, bytes);

    assertThat(c.epochs()).containsExactly(1);
    assertThat(c.latest().orElseThrow().checkpoint().epoch()).isEqualTo(1);
  }

  @Test
  void aFolderOfSomeoneElseWhereTheCheckpointsGoIsRefused() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("run.checkpoints"));
    Files.writeString(folder.resolve("mine.txt"), "keep");
    assertThatThrownBy(() -> checkpoints(new Configuration())).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("holds files this job did not write");
    assertThat(folder.resolve("mine.txt")).hasContent("keep");
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
