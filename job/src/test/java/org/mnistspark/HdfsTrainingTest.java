package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.RunFiles;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.output.StoredModelCheck;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;

/**
 * The train command reading MNIST from a real HDFS and writing its outputs back to it: a
 * MiniDFSCluster (NameNode and one DataNode, real RPC on loopback) in this JVM, Spark local[2].
 */
class HdfsTrainingTest {
  static final String MNIST = RealMnist.DIR;

  @TempDir static Path tmp;
  static MiniHdfs hdfs;
  static FileSystem fs;
  static String root;

  @BeforeAll
  static void startHdfsWithMnist() throws Exception {
    RealMnist.dir();
    hdfs = MiniHdfs.start(tmp.resolve("hdfs"));
    fs = hdfs.fs();
    root = hdfs.uri();
    copyMnist(fs, MNIST, root + "/mnist");
    // --out's parent must exist, as on any file system
    fs.mkdirs(new org.apache.hadoop.fs.Path(root + "/runs"));
  }

  @AfterAll
  static void stopHdfs() throws Exception {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Test
  void convertsToTablesOnHdfsAndTrainsFromThem() throws Exception {
    String tables = root + "/tables";
    CliRun.succeeding("convert", "--master", "local[2]", "--data", root + "/mnist", "--train-limit", "1500", "--out", tables);
    // beside, not in, runs/: another test lists runs/
    fs.mkdirs(new org.apache.hadoop.fs.Path(root + "/table-runs"));
    String out = root + "/table-runs/first";
    CliRun.succeeding("train", "--master", "local[2]", "--data", tables, "--out", out, "--train-limit", "1200", "--epochs",
        "1");

    RunMetrics m = new ModelStore(new Configuration()).readMetrics(out);
    assertThat(m.data().files()).isNotEmpty().allSatisfy(f -> assertThat(f.path()).startsWith(tables + "/"));
    assertThat(m.data().files().get(0).path()).startsWith(tables + "/train/part-").endsWith(".parquet");
    assertThat(m.data().trainImages()).isEqualTo(960);
    assertThat(m.data().testImages()).isEqualTo(10_000);
    assertThat(m.test().accuracy()).as("test accuracy after 1 epoch on 960 images").isGreaterThan(0.6);
  }

  @Test
  void trainsFromHdfsAndWritesAReloadableModelToHdfs() throws Exception {
    assertThat(root).startsWith("hdfs://");
    String out = root + "/runs/first";
    CliRun.succeeding("train", "--master", "local[2]", "--data", root + "/mnist", "--out", out,
        "--train-limit", "2000", "--epochs", "1");

    // exactly the run's outputs, and no temporary or moved-aside sibling left beside them
    assertThat(names(fs.listStatus(new org.apache.hadoop.fs.Path(out))))
        .containsExactlyInAnyOrderElementsOf(RunFiles.all());
    assertThat(names(fs.listStatus(new org.apache.hadoop.fs.Path(root + "/runs")))).containsExactly("first");

    // metrics.json, read from HDFS: the inputs were the HDFS copies, and the run learned
    ModelStore store = new ModelStore(new Configuration());
    RunMetrics m = store.readMetrics(out);
    assertThat(m.data().files()).hasSize(4)
        .allSatisfy(f -> assertThat(f.path()).startsWith(root + "/mnist/"));
    assertThat(m.data().files().get(0).sha256())
        .isEqualTo("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
    assertThat(m.data().trainImages()).isEqualTo(1600);
    assertThat(m.test().accuracy()).as("test accuracy after 1 epoch on 1600 images").isGreaterThan(0.7);

    // model.zip, read from HDFS, predicts the test set exactly as metrics.json says
    ModelStore.Loaded loaded = store.load(out + "/" + ModelStore.MODEL);
    assertThat(loaded.normalizer()).isInstanceOf(ImagePreProcessingScaler.class);
    MnistData mnist = RealMnist.data();
    Evaluation eval = StoredModelCheck.evaluate(loaded, mnist.test(), 500);
    assertThat(eval.accuracy()).isEqualTo(m.test().accuracy());
  }

  @Test
  void missingHdfsFolderIsBadInput() {
    CliRun run = CliRun.execute("train", "--master", "local[2]", "--data", root + "/no-such-folder", "--out",
        root + "/runs/none");
    assertThat(run.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(run.err()).contains(root + "/no-such-folder").contains("no such data folder");
    run.assertSparkNotStarted();
  }

  /** Copies the four MNIST files of local folder {@code source} into {@code folder} of {@code fs}. */
  static void copyMnist(FileSystem fs, String source, String folder) throws IOException {
    for (String name : List.of(MnistLoader.TRAIN_IMAGES, MnistLoader.TRAIN_LABELS, MnistLoader.TEST_IMAGES, MnistLoader.TEST_LABELS)) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(new File(source, name).toURI()),
          new org.apache.hadoop.fs.Path(folder + "/" + name));
    }
  }

  private static List<String> names(FileStatus[] statuses) {
    return Arrays.stream(statuses).map(s -> s.getPath().getName()).toList();
  }
}
