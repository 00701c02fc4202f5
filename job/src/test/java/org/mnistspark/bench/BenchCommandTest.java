package org.mnistspark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.ValidationPoint;

/** The benchmark's quick mode produces well-formed, self-consistent results; how fast is for the benchmark itself to say. */
class BenchCommandTest {
  static final String MNIST = RealMnist.shortTestDir();

  @Test
  void quickBenchComparesTheDefaultWithTheBestBaselineOverSeeds(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bench");
    Path scalingInputs = Path.of(System.getProperty("project.root", ".."), "docs/scaling");
    CliRun.succeeding("bench", "--quick", "--master", "local[2]", "--data", MNIST, "--out", out.toString(), "--scaling-inputs",
        scalingInputs.toString());

    JsonNode r = ModelStore.JSON.readTree(out.resolve("results.json").toFile());
    assertThat(r.at("/machine/cores").asInt()).isPositive();
    List<String> runs = new ArrayList<>();
    for (JsonNode run : r.at("/runs")) {
      runs.add(run.get("phase").asText() + " " + run.get("kind").asText() + " s" + run.get("seed").asLong() + " "
          + run.get("decay").asText());
      int images = run.get("trainImages").asInt();
      assertThat(images).isEqualTo(run.get("phase").asText().equals("throughput") ? 1000 : 1600);
      for (JsonNode epoch : run.get("epochs")) {
        if (!run.get("kind").asText().equals("dl4j")) {
          assertThat(epoch.get("imagesFitted").asLong()).isEqualTo(images);
        }
      }
      assertThat(run.get("samplesPerSecond").asDouble()).isPositive();
      assertThat(run.get("testAccuracy").asDouble()).isBetween(0.1, 1.0);
      assertThat(run.get("finalTestAccuracy").asDouble()).isBetween(0.1, 1.0);
      JsonNode curve = run.get("curve");
      assertThat(run.get("finalValidationAccuracy").asDouble()).isEqualTo(curve.get(curve.size() - 1).get("accuracy").asDouble());
      for (int i = 0; i < 2; i++) {
        JsonNode reached = firstAtTarget(curve, i == 0 ? 0.8 : 0.85);
        JsonNode seconds = run.get("secondsToThresholds").get(i);
        if (reached == null) {
          assertThat(seconds.isNull()).isTrue();
        } else {
          assertThat(seconds.asDouble()).isEqualTo(reached.get("trainSeconds").asDouble());
        }
      }
    }
    // quality: the default over 2 seeds, with its averaging period doubling every epoch over 2 seeds, and
    // once unscheduled; the baseline tries 2 rates on seed 42, runs the chosen one on seed 43, then the
    // seed's own setting
    assertThat(runs).containsExactly("throughput fit s42 constant", "throughput resident s42 constant",
        "throughput dl4j s42 constant", "quality resident s42 cosine", "quality resident s43 cosine",
        "quality resident s42 cosine", "quality resident s43 cosine", "quality resident s42 constant",
        "quality fit s42 cosine", "quality fit s42 cosine", "quality fit s43 cosine", "quality fit s42 constant");
    JsonNode trials = r.at("/runs");
    assertThat(trials.get(5).get("averagingGrowth").asInt()).isEqualTo(2);
    assertThat(trials.get(5).at("/rounds/rounds").asInt()).as("800 images a worker: 50 minibatches, 1 round an epoch either way")
        .isEqualTo(trials.get(3).at("/rounds/rounds").asInt());
    double chosenRate = trials.get(10).get("learningRate").asDouble();
    JsonNode better = trials.get(8).get("finalValidationAccuracy").asDouble() >= trials.get(9).get("finalValidationAccuracy").asDouble()
        ? trials.get(8) : trials.get(9);
    assertThat(chosenRate).as("the rate that ended best on validation").isEqualTo(better.get("learningRate").asDouble());

    JsonNode summary = r.at("/summaries/0");
    assertThat(summary.get("label").asText()).isEqualTo(r.at("/comparison/defaultRun").asText()).startsWith("resident b16 f64");
    assertThat(summary.get("seeds")).hasSize(2);
    double a = trials.get(3).get("finalTestAccuracy").asDouble();
    double b = trials.get(4).get("finalTestAccuracy").asDouble();
    assertThat(summary.at("/finalTestAccuracy/median").asDouble()).isCloseTo((a + b) / 2, within(1e-12));
    assertThat(summary.at("/finalTestAccuracy/min").asDouble()).isEqualTo(Math.min(a, b));
    assertThat(r.at("/comparison/baseline").asText()).endsWith("cosine").startsWith("fit b32 t1 lr ");
    assertThat(r.at("/comparison/defaultMeanFinalTest").asDouble()).isCloseTo((a + b) / 2, within(1e-12));

    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("| fit b32 t1 lr 0.001 constant |", "| resident b32 f4 lr ", "| dl4j b",
        "| resident b16 f64 lr 0.002 cosine | 2 |", "| resident b16 f64x2 lr 0.002 cosine | 2 |", "seconds to 85.0%",
        "time-to-accuracy.png", "## Where it pays beyond two cores", "| executors |", "scaling.png");
    // the scaling model takes its fit per round from this run's default runs
    double fitA = trials.get(3).at("/rounds/fitMillis").asDouble();
    double fitB = trials.get(4).at("/rounds/fitMillis").asDouble();
    JsonNode scaling = ModelStore.JSON.readTree(out.resolve("scaling.json").toFile());
    assertThat(scaling.at("/model/fitMillisPerRound").asDouble()).isCloseTo((fitA + fitB) / 2, within(1e-9));
    assertThat(ImageIO.read(out.resolve("scaling.png").toFile()).getWidth()).isEqualTo(1400);
    BufferedImage throughput = ImageIO.read(out.resolve("throughput.png").toFile());
    assertThat(throughput.getWidth()).isEqualTo(1600);
    BufferedImage tta = ImageIO.read(out.resolve("time-to-accuracy.png").toFile());
    assertThat(tta.getWidth()).isEqualTo(1100);
    assertThat(tta.getHeight()).isEqualTo(650);
  }

  /**
   * bench --round-costs on real Spark measures a round with the fit replaced by a wait, and
   * bench --scaling-report turns it and a real training run into the prediction.
   */
  @Test
  void roundCostsAndARunFeedTheScalingReport(@TempDir Path tmp) throws Exception {
    // the default's round (16 x 64 = 1,024 images), as the benchmark's fit per round is taken for it
    List<String> small = List.of("--master", "local[2]", "--data", MNIST, "--partitions", "2", "--train-limit", "6000", "--epochs",
        "1", "--batch-size-per-worker", "16", "--averaging-frequency", "64");
    List<String> costs = new ArrayList<>(List.of("bench", "--round-costs", "200", "--validations-per-epoch", "1", "--out",
        tmp.resolve("executors-2").toString()));
    costs.addAll(small);
    CliRun.succeeding(costs);
    JsonNode c = ModelStore.JSON.readTree(tmp.resolve("executors-2/round-costs.json").toFile());
    assertThat(c.get("workers").asInt()).isEqualTo(2);
    assertThat(c.get("fitStandInMillis").asDouble()).isEqualTo(200);
    // 4,800 training images, 2,400 per worker, 1,024 per round
    assertThat(c.at("/rounds/rounds").asInt()).isEqualTo(3);
    assertThat(c.at("/rounds/fitMillis").asDouble()).as("the wait stood in for the fit").isBetween(200.0, 400.0);
    assertThat(c.at("/rounds/roundMillis").asDouble()).isGreaterThan(c.at("/rounds/slowestFitMillis").asDouble());
    assertThat(c.get("stateBytes").asLong()).as("parameters and Adam's two moments, as floats").isEqualTo(12L * 1_256_080);

    List<String> train = new ArrayList<>(List.of("train", "--validations-per-epoch", "4", "--out", tmp.resolve("workers-2").toString()));
    train.addAll(small);
    CliRun.succeeding(train);
    Path baseline = Path.of(System.getProperty("project.root", ".."), "docs/benchmark-results.json");
    CliRun.succeeding("bench", "--scaling-report", tmp.toString(), "--scaling-baseline", baseline.toString(), "--out",
        tmp.resolve("report").toString());

    JsonNode model = ModelStore.JSON.readTree(tmp.resolve("report/scaling.json").toFile());
    // the fit per round: the median of the benchmark's three default runs, measured idle
    List<Double> fits = new ArrayList<>();
    for (JsonNode r : ModelStore.JSON.readTree(baseline.toFile()).get("runs")) {
      if (r.get("phase").asText().equals("quality") && r.get("kind").asText().equals("resident")
          && r.get("decay").asText().equals("cosine") && r.path("averagingGrowth").asInt(1) == 1) {
        fits.add(r.at("/rounds/fitMillis").asDouble());
      }
    }
    assertThat(fits).hasSize(3);
    double fit = fits.stream().sorted().toList().get(1);
    assertThat(model.at("/model/fitMillisPerRound").asDouble()).isEqualTo(fit);
    assertThat(model.at("/model/imagesPerRound").asInt()).isEqualTo(1024);
    double overhead = c.at("/rounds/roundMillis").asDouble() - 200;
    assertThat(model.at("/model/points/0/samplesPerSecond").asDouble()).isCloseTo(2 * 1024 / ((fit + overhead) / 1000),
        within(1e-6));
    assertThat(model.at("/baselineSeconds/1").asDouble()).as("the baseline median to 99.2%").isPositive();
    assertThat(Files.readString(tmp.resolve("report/scaling.md"))).contains("| executors |", "| 2 | ");
    BufferedImage png = ImageIO.read(tmp.resolve("report/scaling.png").toFile());
    assertThat(png.getWidth()).isEqualTo(1400);
  }

  @Test
  void scalingReportWithoutMeasurementsIsRefusedInOneLine(@TempDir Path tmp) {
    CliRun.assertBadInput(CliRun.execute("bench", "--scaling-report", tmp.toString(), "--out", tmp.resolve("r").toString()),
        "mnist-job: " + tmp + ": needs executors-N/round-costs.json and workers-N/metrics.json for the same N, found [] and []");
  }

  private static JsonNode firstAtTarget(JsonNode curve, double target) {
    for (JsonNode p : curve) {
      if (p.get("accuracy").asDouble() >= target) {
        return p;
      }
    }
    return null;
  }

  @Test
  void runCountsTimeToEachThresholdAtItsFirstCheckAndRateOverTheTimedEpochs() {
    List<ValidationPoint> curve = List.of(new ValidationPoint(0.5, 500, 2.0, 0.97, 0.1),
        new ValidationPoint(1, 1000, 4.0, 0.991, 0.05), new ValidationPoint(1.5, 1500, 5.0, 0.989, 0.05),
        new ValidationPoint(2, 2000, 6.0, 0.995, 0.04));
    List<EpochStats> epochs = List.of(new EpochStats(1, 4.0, 250, 0.2, 0.991, 1000, 0.05),
        new EpochStats(2, 2.0, 500, 0.1, 0.995, 1000, 0.04));
    var result = new DistributedTrainer.Result(null, epochs, curve, Map.of(), null, null, null, null);

    BenchResults.Setting fit = new BenchResults.Setting("fit", 42, 64, 9, 1, 1, 0.001, "cosine", 0.25);
    BenchResults.Run q = BenchResults.Run.of(BenchResults.QUALITY, fit, 1000, result, List.of(0.99, 0.993, 0.999), 0.99, 0.98, 100);
    assertThat(q.secondsToThresholds()).containsExactly(4.0, 6.0, null);
    assertThat(q.epochsToThresholds()).containsExactly(1.0, 2.0, null);
    assertThat(q.bestValidationAccuracy()).isEqualTo(0.995);
    assertThat(q.finalValidationAccuracy()).isEqualTo(0.995);
    assertThat(q.samplesPerSecond()).as("whole run").isCloseTo(2000 / 6.0, within(1e-9));
    assertThat(q.averagingFrequency()).as("plain fit does not average").isZero();
    assertThat(q.label()).isEqualTo("fit b64 t1 lr 0.001 cosine");

    BenchResults.Setting resident = new BenchResults.Setting("resident", 42, 64, 8, 1, 1, 0.002, "constant", 0);
    BenchResults.Run thr = BenchResults.Run.of(BenchResults.THROUGHPUT, resident, 1000, result, List.of(0.999), 0.99, 0.99, 100);
    assertThat(thr.samplesPerSecond()).as("after the first epoch").isEqualTo(500);
    assertThat(thr.label()).isEqualTo("resident b64 f8 lr 0.002 constant");
    assertThat(new BenchResults.Setting("resident", 42, 16, 64, 2, 1, 0.002, "cosine", 0.25).label())
        .isEqualTo("resident b16 f64x2 lr 0.002 cosine");
  }

  @Test
  void statIsTheMedianWithNotReachedCountedAsSlowest() {
    assertThat(BenchResults.Stat.of(java.util.Arrays.asList(3.0, 1.0, 2.0))).isEqualTo(new BenchResults.Stat(2.0, 1.0, 3.0, 0));
    assertThat(BenchResults.Stat.of(java.util.Arrays.asList(3.0, null, 1.0))).isEqualTo(new BenchResults.Stat(3.0, 1.0, 3.0, 1));
    assertThat(BenchResults.Stat.of(java.util.Arrays.asList(null, null, 1.0))).isEqualTo(new BenchResults.Stat(null, 1.0, 1.0, 2));
    assertThat(BenchResults.Stat.of(java.util.Arrays.asList(4.0, 1.0))).isEqualTo(new BenchResults.Stat(2.5, 1.0, 4.0, 0));
  }
}
