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
  static final String MNIST = RealMnist.DIR;

  @Test
  void quickBenchComparesEveryTrainerByThroughputAndTimeToAccuracy(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bench");
    CliRun.succeeding("bench", "--quick", "--master", "local[2]", "--data", MNIST, "--out", out.toString());

    JsonNode r = ModelStore.JSON.readTree(out.resolve("results.json").toFile());
    assertThat(r.at("/machine/cores").asInt()).isPositive();
    List<String> runs = new ArrayList<>();
    for (JsonNode run : r.at("/runs")) {
      runs.add(run.get("phase").asText() + " " + run.get("kind").asText());
      int images = run.get("trainImages").asInt();
      assertThat(images).isEqualTo(run.get("phase").asText().equals("throughput") ? 1000 : 1600);
      for (JsonNode epoch : run.get("epochs")) {
        if (!run.get("kind").asText().equals("dl4j")) {
          // every image once per epoch, except where the run stopped early at the target
          assertThat(epoch.get("imagesFitted").asLong()).isLessThanOrEqualTo(images);
        }
      }
      assertThat(run.get("samplesPerSecond").asDouble()).isPositive();
      assertThat(run.get("testAccuracy").asDouble()).isBetween(0.1, 1.0);
      JsonNode reached = firstAtTarget(run.get("curve"), 0.8);
      if (reached == null) {
        assertThat(run.get("secondsToTarget").isNull()).isTrue();
      } else {
        assertThat(run.get("secondsToTarget").asDouble()).isEqualTo(reached.get("trainSeconds").asDouble());
      }
    }
    // the plain fit runs to the target at Keras' learning rate, then the quickest at the job's
    assertThat(runs).containsExactly("throughput fit", "throughput resident", "throughput dl4j",
        "time-to-accuracy resident", "time-to-accuracy resident", "time-to-accuracy dl4j", "time-to-accuracy fit",
        "time-to-accuracy fit");
    JsonNode thr = r.at("/runs/0/epochs");
    assertThat(thr).hasSize(2);
    assertThat(thr.get(1).get("imagesFitted").asLong()).isEqualTo(1000);

    JsonNode rounds = r.at("/runs/1/rounds");
    assertThat(rounds.get("rounds").asInt()).isPositive();
    assertThat(rounds.get("roundMillis").asDouble()).isGreaterThan(rounds.get("fitMillis").asDouble());
    double ratio = r.at("/comparison/throughputRatio").asDouble();
    double fastestFit = Math.max(r.at("/runs/6/samplesPerSecond").asDouble(), r.at("/runs/7/samplesPerSecond").asDouble());
    assertThat(ratio).isCloseTo(r.at("/runs/3/samplesPerSecond").asDouble() / fastestFit, within(1e-9));

    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("| fit b32 t1 lr 0.001 |", "| resident b32 f4 lr ", "| dl4j b", String.format("| %.2fx |", ratio),
        "time-to-accuracy.png");
    BufferedImage throughput = ImageIO.read(out.resolve("throughput.png").toFile());
    assertThat(throughput.getWidth()).isEqualTo(1600);
    BufferedImage tta = ImageIO.read(out.resolve("time-to-accuracy.png").toFile());
    assertThat(tta.getWidth()).isEqualTo(1000);
    assertThat(tta.getHeight()).isEqualTo(600);
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
  void runCountsTimeToTheFirstCheckAtTheTargetAndRateOverTheTimedEpochs() {
    List<ValidationPoint> curve = List.of(new ValidationPoint(0.5, 500, 2.0, 0.97, 0.1),
        new ValidationPoint(1, 1000, 4.0, 0.991, 0.05), new ValidationPoint(1.5, 1500, 5.0, 0.989, 0.05),
        new ValidationPoint(2, 2000, 6.0, 0.995, 0.04));
    List<EpochStats> epochs = List.of(new EpochStats(1, 4.0, 250, 0.2, 0.991, 1000, 0.05),
        new EpochStats(2, 2.0, 500, 0.1, 0.995, 1000, 0.04));
    var result = new DistributedTrainer.Result(null, epochs, curve, Map.of(), null, null, null);

    BenchResults.Run tta = BenchResults.Run.of(BenchResults.TIME_TO_ACCURACY, "fit", 64, 9, 1, 0.001, 1000, result, 0.99, 0.99, 100);
    assertThat(tta.secondsToTarget()).isEqualTo(4.0);
    assertThat(tta.epochsToTarget()).isEqualTo(1.0);
    assertThat(tta.bestValidationAccuracy()).isEqualTo(0.995);
    assertThat(tta.samplesPerSecond()).as("whole run").isCloseTo(2000 / 6.0, within(1e-9));
    assertThat(tta.averagingFrequency()).as("plain fit does not average").isZero();
    assertThat(tta.label()).isEqualTo("fit b64 t1 lr 0.001");

    BenchResults.Run thr = BenchResults.Run.of(BenchResults.THROUGHPUT, "resident", 64, 8, 1, 0.002, 1000, result, 0.999, 0.99, 100);
    assertThat(thr.samplesPerSecond()).as("after the first epoch").isEqualTo(500);
    assertThat(thr.secondsToTarget()).isNull();
    assertThat(thr.label()).isEqualTo("resident b64 f8 lr 0.002");
  }
}
