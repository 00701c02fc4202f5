package org.mnistspark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.MnistJob;
import org.mnistspark.output.ModelStore;
import org.mnistspark.train.DistributedTrainer.PhaseTime;

/** The benchmark's quick mode produces well-formed results; how fast is for the benchmark itself to say. */
class BenchCommandTest {
  static final String MNIST = System.getProperty("mnist.dir", "data/mnist");

  @Test
  void quickBenchWritesResultsReportAndChart(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bench");
    StringWriter err = new StringWriter();
    var cl = MnistJob.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("bench", "--quick", "--master", "local[2]", "--data", MNIST, "--out", out.toString(),
        "--train-limit", "1000");
    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out).isDirectoryContaining("glob:**/results.json").isDirectoryContaining("glob:**/report.md");

    JsonNode r = ModelStore.JSON.readTree(out.resolve("results.json").toFile());
    assertThat(r.at("/machine/cores").asInt()).isPositive();
    List<String> kinds = r.at("/runs").findValuesAsText("kind");
    assertThat(kinds).containsExactly("baseline", "spark");
    for (JsonNode run : r.at("/runs")) {
      assertThat(run.get("trainImages").asInt()).isEqualTo(800);
      assertThat(run.get("epochSeconds")).hasSize(2);
      assertThat(run.get("samplesPerSecond").asDouble()).isPositive();
      assertThat(run.get("testAccuracy").asDouble()).isBetween(0.1, 1.0);
    }
    JsonNode overhead = r.at("/runs/1/overhead");
    assertThat(overhead.get("rounds").asInt()).isPositive();
    assertThat(overhead.get("roundMillis").asDouble()).isGreaterThan(overhead.get("computeMillis").asDouble());
    double ratio = r.at("/comparison/ratioToSameBatchBaseline").asDouble();
    assertThat(ratio).isCloseTo(r.at("/runs/1/samplesPerSecond").asDouble() / r.at("/runs/0/samplesPerSecond").asDouble(),
        org.assertj.core.api.Assertions.within(1e-9));
    assertThat(r.at("/dataPath/shareOfEpoch").asDouble()).isPositive();

    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("| fit b16 t1 |", "| spark b16 f30 t1 |", String.format("%.2fx the same-batch baseline", ratio));
    BufferedImage png = ImageIO.read(out.resolve("throughput.png").toFile());
    assertThat(png.getWidth()).isEqualTo(1600);
    assertThat(png.getHeight()).isEqualTo(500);
  }

  @Test
  void overheadSplitsTheRoundIntoComputeAndTheRest() {
    var o = BenchCommand.overhead(Map.of(
        "ParameterAveragingMasterBroadcastCreateTimesMs", new PhaseTime(4, 40),
        "ParameterAveragingMasterFitTimesMs", new PhaseTime(1, 4000),
        "ParameterAveragingWorkerFitTimesMs", new PhaseTime(240, 6000),
        "ParameterAveragingMasterRepartitionTimesMs", new PhaseTime(4, 200)), 2);
    assertThat(o.rounds()).isEqualTo(4);
    assertThat(o.roundMillis()).isEqualTo(1000);
    assertThat(o.computeMillis()).isEqualTo(750);
    assertThat(o.outsideFitMillis()).isEqualTo(250);
    assertThat(o.broadcastMillis()).isEqualTo(10);
    assertThat(o.repartitionMillis()).isEqualTo(50);
    assertThat(BenchCommand.overhead(Map.of(), 2)).isNull();
  }
}
