package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * A tiny study through the command line, on local[2] and real MNIST: 2000 images, 2 epochs,
 * 2 seeds, 2 scalings. Checks every output file, then that a second identical invocation trains
 * nothing and leaves results.json untouched.
 */
class StudyIntegrationTest {
  static final String MNIST = RealMnist.DIR;
  static final Pattern STDOUT = Pattern.compile("study: ran (\\d+) of (\\d+) runs \\((\\d+) already in results.json\\); report: .*report.md\\R");

  /** Runs the tiny study; returns its stdout, failing with its stderr when the exit code is not 0. */
  private static String study(Path out) {
    return study("--out", out.toString(), "--train-limit", "2000", "--epochs", "2", "--seeds", "2",
        "--scalings", "none,minmax",
        // small minibatches for 1,600 images: the defaults (2 x 64, averaging 16) give one round per epoch
        "--batch-size-per-worker", "16", "--averaging-frequency", "10", "--learning-rate", "0.001");
  }

  private static String study(String... options) {
    RealMnist.dir();
    List<String> args = new java.util.ArrayList<>(List.of("study", "--master", "local[2]", "--data", MNIST));
    args.addAll(List.of(options));
    return CliRun.succeeding(args).out();
  }

  @Test
  void aRunWhoseValidationStopsImprovingStopsAfterThePatienceAndTheReportSaysWhy(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("study");
    // Adam at rate 10 diverges at once: from then on the network answers one class, validation accuracy stays
    // exactly the same, and patience 2 ends the run after epoch 3 of 6. Single-JVM: the seed's own setting.
    study("--out", out.toString(), "--train-limit", "600", "--epochs", "6", "--seeds", "1", "--scalings", "minmax",
        "--trainer", "single-jvm", "--batch-size-per-worker", "32", "--learning-rate", "10", "--early-stop-patience", "2");
    JsonNode run = ModelStore.JSON.readTree(out.resolve("results.json").toFile()).get("runs").get(0);
    assertThat(run.at("/options/trainer").asText()).isEqualTo("single-jvm");
    assertThat(run.get("epochs")).hasSize(3);
    assertThat(run.get("stoppedEarly").asText())
        .startsWith("no validation improvement for 2 epochs at epoch 3 (early-stop-patience; best ");
    // the network the run ended with is probed too, although 3 is neither a power of two nor the planned last epoch
    assertThat(run.get("mechanism")).extracting(p -> p.get("epoch").asDouble()).containsExactly(0.0, 1.0, 2.0, 3.0);
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("Runs that stopped before their last epoch: minmax, seed 42: no validation improvement for 2 epochs")
        .contains("one JVM, plain fit without Spark or averaging");
  }

  @Test
  void tinyStudyWritesResultsPlotsAndReportsThenResumesWithoutTrainingAgain(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("study");
    String first = study(out);
    assertThat(first).matches(STDOUT).startsWith("study: ran 4 of 4 runs (0 already in results.json)");
    try (var files = Files.list(out)) {
      assertThat(files).extracting(p -> p.getFileName().toString()).as("all outputs, no temporary file left")
          .containsExactlyInAnyOrder("results.json", "accuracy.png", "loss.png", "report.md", "report.html", "manifest.json",
              "accuracy-vs-images.png", "accuracy-vs-seconds.png", "mechanism.png");
    }

    // results.json: every run with its per-epoch numbers, test accuracy and fitted scaler
    JsonNode results = ModelStore.JSON.readTree(out.resolve("results.json").toFile());
    assertThat(results.get("runs")).hasSize(4);
    Set<String> runs = new HashSet<>();
    for (JsonNode run : results.get("runs")) {
      runs.add(run.get("scaling").asText() + "/" + run.get("seed").asLong());
      assertThat(run.get("epochs")).hasSize(2);
      for (JsonNode e : run.get("epochs")) {
        assertThat(e.get("validationAccuracy").asDouble()).isBetween(0.5, 1.0);
        assertThat(e.get("trainLoss").asDouble()).isPositive();
        assertThat(e.get("seconds").asDouble()).isPositive();
        assertThat(e.get("samplesPerSecond").asDouble()).isPositive();
      }
      assertThat(run.get("testAccuracy").asDouble()).as("test accuracy after 2 epochs on 1600 images").isBetween(0.6, 1.0);
      assertThat(run.get("testExamples").asLong()).isEqualTo(10_000);
      assertThat(run.get("testMistakes").size()).as("the kept mistakes are the evaluation's")
          .isEqualTo((int) Math.round((1 - run.get("testAccuracy").asDouble()) * 10_000));
      assertThat(run.get("trainImages").asInt()).isEqualTo(1600);
      assertThat(run.get("validationImages").asInt()).isEqualTo(400);
      assertThat(run.at("/scaler/kind").asText()).isEqualTo(run.get("scaling").asText());
      assertThat(run.at("/scaler/divisor").asDouble()).isEqualTo(run.get("scaling").asText().equals("minmax") ? 255.0 : 1.0);
      assertThat(run.at("/options/train-limit").asInt()).isEqualTo(2000);
      assertThat(run.get("options").has("out")).as("the output folder does not identify a run").isFalse();

      // 4 validation checks per epoch, each further into training than the last
      JsonNode curve = run.get("curve");
      assertThat(curve).hasSize(8);
      for (int i = 1; i < curve.size(); i++) {
        assertThat(curve.get(i).get("imagesFitted").asLong()).isGreaterThan(curve.get(i - 1).get("imagesFitted").asLong());
        assertThat(curve.get(i).get("loss").asDouble()).isPositive();
      }
      assertThat(curve.get(7).get("epoch").asDouble()).isEqualTo(2.0);

      // the mechanism: before training and after epochs 1 and 2, three ReLU layers each
      JsonNode mechanism = run.get("mechanism");
      assertThat(mechanism).extracting(p -> p.get("epoch").asDouble()).containsExactly(0.0, 1.0, 2.0);
      for (JsonNode probe : mechanism) {
        assertThat(probe.get("layers")).extracting(l -> l.get("layer").asText()).containsExactly("conv1", "conv2", "dense");
        for (JsonNode layer : probe.get("layers")) {
          assertThat(layer.get("deadFraction").asDouble()).isBetween(0.0, 1.0);
          assertThat(layer.get("gradientNorm").asDouble()).isPositive().isFinite();
        }
      }
    }
    // same seed, same initial weights, same probe images: raw pixels give the first layer 255x the pre-activation
    assertThat(conv1Scale(results, "none", 42) / conv1Scale(results, "minmax", 42)).isBetween(254.0, 256.0);
    assertThat(runs).containsExactlyInAnyOrder("none/42", "none/43", "minmax/42", "minmax/43");

    // the plots decode as PNGs of the documented size
    for (String png : List.of("accuracy.png", "loss.png")) {
      BufferedImage image = ImageIO.read(out.resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).as(png).isEqualTo(Charts.WIDTH);
      assertThat(image.getHeight()).as(png).isEqualTo(Charts.HEIGHT);
    }

    // report.md: every number matches results.json; the conclusion names the more accurate scaling
    String md = Files.readString(out.resolve("report.md"));
    ReportCheck.assertMatches(md, results);
    String best = ReportCheck.best(results);
    assertThat(ReportCheck.section(md, "## Conclusion").strip()).startsWith(best + " had the highest mean test accuracy");

    // report.html embeds the same PNGs, in reading order
    String html = Files.readString(out.resolve("report.html"));
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    for (String png : List.of("accuracy.png", "accuracy-vs-images.png", "accuracy-vs-seconds.png", "mechanism.png",
        "loss.png")) {
      assertThat(m.find()).as("html embeds %s", png).isTrue();
      assertThat(Base64.getDecoder().decode(m.group(1))).isEqualTo(Files.readAllBytes(out.resolve(png)));
    }

    // the same command again: nothing new is trained and results.json is not rewritten
    byte[] before = Files.readAllBytes(out.resolve("results.json"));
    var modified = Files.getLastModifiedTime(out.resolve("results.json"));
    String second = study(out);
    assertThat(second).startsWith("study: ran 0 of 4 runs (4 already in results.json)");
    assertThat(Files.readAllBytes(out.resolve("results.json"))).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(out.resolve("results.json"))).isEqualTo(modified);
    assertThat(Files.readString(out.resolve("report.md"))).as("the report is regenerated identically").isEqualTo(md);
  }

  /** The first convolution's mean |pre-activation| before training in the run of {@code scaling} and {@code seed}. */
  private static double conv1Scale(JsonNode results, String scaling, long seed) {
    for (JsonNode run : results.get("runs")) {
      if (run.get("scaling").asText().equals(scaling) && run.get("seed").asLong() == seed) {
        return run.at("/mechanism/0/layers/0/preActivationMeanAbs").asDouble();
      }
    }
    throw new AssertionError("no run " + scaling + "/" + seed);
  }
}
