package org.mnistspark.use;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.use.UseFixture.MNIST;
import static org.mnistspark.use.UseFixture.names;
import static org.mnistspark.use.UseFixture.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The evaluate command as a user runs it, on local[2], real MNIST and a model trained by the train
 * command: the distributed evaluation must give exactly what one JVM gives, and what the training
 * run recorded for the same test set.
 */
class EvaluateCommandTest {
  @TempDir Path tmp;

  @Test
  void distributedAccuracyEqualsSingleJvmAndTheTrainingRunsOwn() throws Exception {
    Path model = UseFixture.trainedRun();
    Path out = tmp.resolve("eval");

    // 3 partitions of 3,333-3,334 images and batches of 256: nothing lines up with the driver's batches of 500
    CliRun r = run("evaluate", "--master", "local[2]", "--model", model.toString(), "--data", MNIST,
        "--out", out.toString(), "--partitions", "3", "--eval-batch-size", "256");

    assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
    assertThat(r.sparkStarts()).as("Spark starts counted by CliRun").isEqualTo(1);
    assertThat(r.out()).startsWith("evaluate: accuracy ");
    JsonNode m = ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
    JsonNode trained = ModelStore.JSON.readTree(model.resolve(ModelStore.METRICS).toFile());
    Evaluation single = UseFixture.singleJvmEvaluation();
    double accuracy = m.at("/test/accuracy").asDouble();
    assertThat(accuracy).isEqualTo(single.accuracy()).isEqualTo(trained.at("/test/accuracy").asDouble());
    assertThat(m.at("/test/examples").asLong()).isEqualTo(10_000);
    for (int t = 0; t < 10; t++) {
      for (int p = 0; p < 10; p++) {
        long count = m.at("/test/confusionMatrix/" + t + "/" + p).asLong();
        assertThat(count).as("cell %d,%d", t, p).isEqualTo(single.getConfusionMatrix().getCount(t, p))
            .isEqualTo(trained.at("/test/confusionMatrix/" + t + "/" + p).asLong());
      }
    }
    assertThat(m.at("/test/f1").asDouble()).isEqualTo(single.f1());
    assertProvenance(m, model);
    assertThat(out.resolve(ModelStore.EVALUATION)).content().contains("Accuracy:", "Confusion matrix");
    BufferedImage chart = ImageIO.read(out.resolve(EvaluateCommand.CONFUSION_MATRIX).toFile());
    assertThat(chart.getWidth()).isEqualTo(org.mnistspark.eval.ConfusionMatrixChart.WIDTH);
    assertThat(names(out)).containsExactly(EvaluateCommand.CONFUSION_MATRIX, ModelStore.EVALUATION,
        OutputFolder.MANIFEST, ModelStore.METRICS);
    // two task slots: at most two copies of the model were ever deserialized in this JVM, not one per partition
    assertThat(ExecutorModels.loads(m.at("/model/sha256").asText())).isBetween(1, 2);
  }

  private static void assertProvenance(JsonNode m, Path model) throws Exception {
    assertThat(m.at("/model/path").asText()).isEqualTo("file:" + model.resolve(ModelStore.MODEL));
    assertThat(m.at("/model/sha256").asText()).isEqualTo(DigestUtils.sha256Hex(Files.readAllBytes(model.resolve(ModelStore.MODEL))));
    assertThat(m.at("/model/scaling").asText()).isEqualTo("minmax (x/255)");
    assertThat(m.at("/data/files/0/path").asText()).isEqualTo("file:" + Path.of(MNIST).toAbsolutePath().normalize()
        .resolve(MnistLoader.TEST_IMAGES));
    assertThat(m.at("/data/files/1/sha256").asText()).hasSize(64);
    assertThat(m.at("/spark/partitions").asInt()).isEqualTo(3);
    assertThat(m.at("/imagesPerSecond").asDouble()).isPositive();
  }

  @Test
  void explicitGzippedFilesGiveTheSameAccuracyAndReplaceAnEarlierEvaluation() throws Exception {
    Path model = UseFixture.trainedRun();
    Path images = gzip(Path.of(MNIST, MnistLoader.TEST_IMAGES), tmp.resolve("images.gz"));
    Path labels = gzip(Path.of(MNIST, MnistLoader.TEST_LABELS), tmp.resolve("labels.gz"));
    Path out = tmp.resolve("eval");
    String[] args = {"evaluate", "--master", "local[2]", "--model", model.resolve(ModelStore.MODEL).toString(),
        "--images", images.toUri().toString(), "--labels", labels.toUri().toString(), "--out", out.toString()};

    CliRun first = run(args);
    CliRun second = run(args);

    assertThat(first.exitCode()).as("stderr %s", first.err()).isZero();
    assertThat(second.exitCode()).as("an earlier evaluation in --out is replaced; stderr %s", second.err()).isZero();
    JsonNode m = ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
    assertThat(m.at("/test/accuracy").asDouble()).isEqualTo(UseFixture.singleJvmEvaluation().accuracy());
    assertThat(m.at("/data/files/0/path").asText()).isEqualTo("file:" + images);
    assertThat(names(tmp)).containsExactlyInAnyOrder("eval", "images.gz", "labels.gz");
  }

  private static Path gzip(Path from, Path to) throws Exception {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(to))) {
      Files.copy(from, o);
    }
    return to;
  }

  @Test
  void aTamperedModelIsRefusedBeforeSparkStarts() throws Exception {
    Path copy = UseFixture.tamperedCopy(tmp.resolve("copy"));
    Path out = tmp.resolve("eval");

    CliRun r = run("evaluate", "--master", "local[2]", "--model", copy.toString(), "--data", MNIST,
        "--out", out.toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err().lines()).singleElement().asString()
        .startsWith("mnist-job: file:" + copy.resolve(ModelStore.MODEL) + " is not what was written there (SHA-256 ")
        .endsWith("refusing to use it");
    r.assertSparkNotStarted();
    assertThat(out).doesNotExist();
  }

  @Test
  void aNetworkThatIsNotThisProjectsLeNetIsRefused() throws Exception {
    Path mlp = UseFixture.perceptronRun(tmp.resolve("mlp"));

    CliRun r = run("evaluate", "--master", "local[2]", "--model", mlp.toString(), "--data", MNIST,
        "--out", tmp.resolve("eval").toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: file:" + mlp.resolve(ModelStore.MODEL) + ": not a LeNet of this project "
        + "(28x28x1 in, 10 classes out): layer 0 is 'dense 784 -> 64, relu', expected 'convolution 5x5 stride 1x1 Same, "
        + "1 -> 20 channels, relu'" + System.lineSeparator());
    r.assertSparkNotStarted();
    assertThat(tmp.resolve("eval")).doesNotExist();
  }

  @Test
  void someoneElsesFolderAsOutIsRefusedBeforeSparkAndKept() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(work.resolve("notes.txt"), "mine");

    CliRun r = run("evaluate", "--master", "local[2]", "--model", UseFixture.trainedRun().toString(),
        "--out", work.toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).isEqualTo("mnist-job: Invalid value 'file:" + work + "' for option '--out': holds files this job "
        + "did not write (no manifest.json); move them away or choose another --out" + System.lineSeparator());
    r.assertSparkNotStarted();
    assertThat(names(work)).containsExactly("notes.txt");
  }

  @Test
  void aTrainRunsFolderIsNotOverwrittenByAnEvaluation() throws Exception {
    Path model = UseFixture.trainedRun();

    CliRun r = run("evaluate", "--master", "local[2]", "--model", model.toString(), "--out", model.toString());

    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.err()).contains("holds a 'train' output, not a 'evaluate' one");
    r.assertSparkNotStarted();
  }

  @Test
  void imagesNeedTheirLabelsAndExcludeData() throws Exception {
    String model = UseFixture.trainedRun().toString();
    String out = tmp.resolve("eval").toString();

    CliRun alone = run("evaluate", "--model", model, "--out", out, "--images", "x");
    CliRun both = run("evaluate", "--model", model, "--out", out, "--images", "x", "--labels", "y", "--data", MNIST);

    assertThat(alone.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(alone.err()).isEqualTo("mnist-job: Invalid value 'x' for option '--images': needs --labels, the label "
        + "file that goes with it" + System.lineSeparator());
    assertThat(both.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(both.err()).contains("cannot be combined with --data");
    alone.assertSparkNotStarted();
    both.assertSparkNotStarted();
  }
}
