package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.StoredModelCheck;
import org.mnistspark.report.RunReportCheck;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;

/**
 * The whole job through its command line, on local[2] and real MNIST: train, evaluate, save, then
 * reload the saved model the way a user would and check it predicts what metrics.json says.
 */
class TrainingIntegrationTest {
  static final String MNIST = RealMnist.DIR;
  static MnistData mnist;

  @BeforeAll
  static void loadMnist() throws Exception {
    RealMnist.dir();
    mnist = RealMnist.data();
  }

  /** Runs the job's train command; returns its exit code, failing with its stderr when it is not 0. */
  static void train(Path out, String... options) {
    List<String> args = new java.util.ArrayList<>(List.of(
        "train", "--master", "local[2]", "--data", MNIST, "--out", out.toString()));
    args.addAll(Arrays.asList(options));
    CliRun.succeeding(args);
  }

  @Test
  void minmaxOn6000ImagesReaches94PercentAndSavesAReloadableModel(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    // small minibatches for 4,800 images: the defaults (2 x 64, averaging 16) make only 38 steps per worker
    // (0.927 here); 2 x 16 averaging every 10 reaches 0.9446
    train(out, "--train-limit", "6000", "--epochs", "1", "--scaling", "minmax", "--batch-size-per-worker", "16",
        "--averaging-frequency", "10");

    JsonNode m = ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
    double accuracy = m.at("/test/accuracy").asDouble();
    assertThat(accuracy).as("test accuracy after 1 epoch on 6000 images").isGreaterThanOrEqualTo(0.94);
    assertMetricsShape(m, 1);
    assertThat(m.at("/data/trainImages").asInt()).isEqualTo(4800);
    assertThat(m.at("/data/validationImages").asInt()).isEqualTo(1200);
    assertThat(m.at("/scaling/kind").asText()).isEqualTo("minmax");

    ModelStore.Loaded loaded = new ModelStore(new Configuration()).load(out.resolve(ModelStore.MODEL).toString());
    assertThat(loaded.normalizer()).isInstanceOf(ImagePreProcessingScaler.class);
    Evaluation reloaded = evaluateLikeAUser(loaded);
    assertThat(reloaded.accuracy()).isEqualTo(accuracy);
    for (int t = 0; t < 10; t++) {
      for (int p = 0; p < 10; p++) {
        assertThat(reloaded.getConfusionMatrix().getCount(t, p)).isEqualTo(m.at("/test/confusionMatrix/" + t + "/" + p).asInt());
      }
    }
    assertThat(out.resolve(ModelStore.EVALUATION)).content().contains("Accuracy:");
    RunReportCheck.assertMatches(out);
  }

  @Test
  void standardizeStoresTheStatisticsOfTheTrainingSplitInTheModel(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    train(out, "--train-limit", "2000", "--epochs", "1", "--scaling", "standardize");

    JsonNode m = ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
    var moments = new org.mnistspark.scale.PixelMoments(0, 0, 0);
    for (var image : mnist.train().range(0, 1600)) {
      moments = moments.add(image);
    }
    assertThat(m.at("/scaling/mean").asDouble()).isCloseTo(moments.mean(), within(1e-9));
    assertThat(m.at("/scaling/std").asDouble()).isCloseTo(moments.std(), within(1e-9));

    ModelStore.Loaded loaded = new ModelStore(new Configuration()).load(out.resolve(ModelStore.MODEL).toString());
    NormalizerStandardize n = (NormalizerStandardize) loaded.normalizer();
    assertThat(n.getMean().getDouble(0)).isCloseTo(moments.mean(), within(1e-4));
    assertThat(n.getStd().getDouble(0)).isCloseTo(moments.std(), within(1e-4));
    assertThat(evaluateLikeAUser(loaded).accuracy()).isEqualTo(m.at("/test/accuracy").asDouble());
  }

  @Test
  void dl4jTrainerStaysSelectableAndSaysHowManyImagesItLeftOut(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    train(out, "--trainer", "dl4j", "--train-limit", "4000", "--epochs", "2", "--batch-size-per-worker", "16",
        "--averaging-frequency", "30");

    JsonNode m = ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
    assertThat(m.at("/data/trainImages").asInt()).isEqualTo(3200);
    // 200 minibatches of 16; DL4J fits at most 2 workers x 30 per split and its integer split drops the rest
    for (JsonNode e : m.at("/epochs")) {
      assertThat(e.get("imagesFitted").asLong()).isEqualTo(2880);
      assertThat(e.get("samplesPerSecond").asDouble()).isCloseTo(2880 / e.get("seconds").asDouble(), within(1e-6));
    }
    assertThat(m.at("/validationCurve")).as("dl4j validates once per epoch").hasSize(2);
    assertThat(m.at("/averagingRound/rounds").asInt()).isPositive();
    assertThat(m.at("/trainingPhases/ParameterAveragingWorkerFitTimesMs/count").asInt()).isPositive();
    assertThat(m.at("/test/accuracy").asDouble()).isGreaterThan(0.9);
  }

  /** Raw 0..255 test pixels through the stored normalizer, as an inference service would do it. */
  private static Evaluation evaluateLikeAUser(ModelStore.Loaded loaded) {
    return StoredModelCheck.evaluate(loaded, mnist.test(), 500);
  }

  private static void assertMetricsShape(JsonNode m, int epochs) {
    for (String field : List.of("config", "data", "scaling", "epochs", "test", "spark")) {
      assertThat(m.has(field)).as("metrics.json has %s", field).isTrue();
    }
    assertThat(m.at("/config/epochs").asInt()).isEqualTo(epochs);
    assertThat(m.at("/data/files")).hasSize(4);
    m.at("/data/files").forEach(f -> assertThat(f.get("sha256").asText()).hasSize(64));
    assertThat(m.at("/epochs")).hasSize(epochs);
    for (JsonNode e : m.at("/epochs")) {
      for (String field : List.of("epoch", "seconds", "samplesPerSecond", "trainLoss", "validationAccuracy", "validationLoss")) {
        assertThat(e.has(field)).as("epoch has %s", field).isTrue();
      }
      // the default (resident) trainer fits every training image once per epoch, and says so
      assertThat(e.get("imagesFitted").asLong()).isEqualTo(m.at("/data/trainImages").asLong());
      assertThat(e.get("samplesPerSecond").asDouble()).isCloseTo(e.get("imagesFitted").asDouble() / e.get("seconds").asDouble(), within(1e-6));
    }
    assertThat(m.at("/validationCurve")).as("validations-per-epoch checks").hasSize(4 * epochs);
    assertThat(m.at("/validationCurve/" + (4 * epochs - 1) + "/accuracy").asDouble())
        .isEqualTo(m.at("/epochs/" + (epochs - 1) + "/validationAccuracy").asDouble());
    assertThat(m.at("/averagingRound/rounds").asInt()).isPositive();
    for (String field : List.of("accuracy", "precision", "recall", "f1")) {
      assertThat(m.at("/test/" + field).asDouble()).as(field).isBetween(0.0, 1.0);
    }
    long sum = 0;
    assertThat(m.at("/test/confusionMatrix")).hasSize(10);
    for (JsonNode row : m.at("/test/confusionMatrix")) {
      assertThat(row).hasSize(10);
      for (JsonNode c : row) {
        sum += c.asLong();
      }
    }
    assertThat(sum).isEqualTo(10_000);
    assertThat(m.at("/spark/master").asText()).isEqualTo("local[2]");
    assertThat(m.at("/spark/partitions").asInt()).isPositive();
    assertThat(m.at("/spark/executors").size()).isPositive();
  }
}
