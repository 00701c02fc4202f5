package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.RunMetrics;

class RunReportTest {
  /** metrics.json of a real run: {@code submit/local.sh --train-limit 6000 --epochs 2}, test accuracy 0.9575. */
  private static final String REAL_RUN = "/run-report/metrics.json";

  @TempDir Path tmp;

  private static ObjectNode realRun() throws Exception {
    try (InputStream in = RunReportTest.class.getResourceAsStream(REAL_RUN)) {
      return (ObjectNode) ModelStore.JSON.readTree(in);
    }
  }

  private static RunMetrics metrics(ObjectNode json) throws Exception {
    return ModelStore.JSON.treeToValue(json, RunMetrics.class);
  }

  /** Writes metrics.json and the report as a train run does, all or nothing with a manifest. */
  private Path writeRun(RunMetrics m) throws Exception {
    Path run = tmp.resolve("run");
    Map<String, byte[]> report = RunReport.files(m);
    OutputFolder.open("--out", run.toString(), ModelStore.KIND, new Configuration()).replace(staging -> {
      try (OutputStream o = staging.create(ModelStore.METRICS)) {
        ModelStore.JSON.writeValue(o, m);
      }
      for (var f : report.entrySet()) {
        staging.write(f.getKey(), f.getValue());
      }
    });
    return run;
  }

  @Test
  void theReportOfARealRunShowsWhatItsMetricsSay() throws Exception {
    RunMetrics m = metrics(realRun());
    Path run = writeRun(m);

    RunReportCheck.assertMatches(run);
    String html = Files.readString(run.resolve(RunReport.HTML));
    assertThat(html).contains("<title>Training run: test accuracy 0.9575</title>")
        .contains("Saved model: the parameters of the best validation check, at epoch 1.67 (accuracy 0.9567)")
        .contains("<tr><td>1.67 (saved model)</td><td>8896</td>")
        .doesNotContain("src=\"validation-accuracy.png\"");
    // for a look by eye: mvn test leaves them in job/target/run-report-test/
    Path look = Files.createDirectories(Path.of("target", "run-report-test"));
    for (String name : RunReport.FILES) {
      Files.copy(run.resolve(name), look.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void filesAreTheListedOnes() throws Exception {
    assertThat(RunReport.files(metrics(realRun())).keySet()).containsExactlyElementsOf(RunReport.FILES);
  }

  @Test
  void aRunWithoutValidationLossThatStoppedEarlyAndResumedIsReported() throws Exception {
    ObjectNode json = realRun();
    // as the dl4j trainer writes them: no validation loss, the last parameters kept
    json.withArray("/validationCurve").forEach(p -> ((ObjectNode) p).putNull("loss"));
    json.withArray("/epochs").forEach(e -> ((ObjectNode) e).putNull("validationLoss"));
    json.putNull("keptValidationCheck");
    json.put("stoppedEarly", "validation accuracy 0.9540 reached the target 0.95 at epoch 1.33");
    json.putObject("resumedFrom").put("checkpoint", "file:/o/run.checkpoints/epoch-0001").put("epoch", 1);
    ((ObjectNode) json.get("config")).put("out", "out/<b>&co");
    Path run = writeRun(metrics(json));

    RunReportCheck.assertMatches(run);
    String html = Files.readString(run.resolve(RunReport.HTML));
    assertThat(html).contains("Saved model: the parameters after the last epoch.")
        .contains("Stopped before the last epoch: validation accuracy 0.9540 reached the target 0.95 at epoch 1.33.")
        .contains("Resumed from file:/o/run.checkpoints/epoch-0001 (after epoch 1)")
        .contains("<td>—</td>").doesNotContain("(saved model)")
        .contains("<td>out/&lt;b&gt;&amp;co</td>");
  }

  @Test
  void aDivergedRunStillGetsItsReport() throws Exception {
    ObjectNode json = realRun();
    json.withArray("/validationCurve").forEach(p -> ((ObjectNode) p).put("loss", Double.NaN).put("accuracy", 0.0991));
    json.withArray("/epochs").forEach(e -> ((ObjectNode) e).put("trainLoss", Double.NaN).put("validationLoss", Double.NaN));
    Map<String, byte[]> files = RunReport.files(metrics(json));
    for (String png : RunReport.FILES.subList(1, RunReport.FILES.size())) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(files.get(png)));
      assertThat(image).as(png).isNotNull();
    }
    assertThat(new String(files.get(RunReport.HTML), StandardCharsets.UTF_8)).contains("<td>NaN</td>");
  }
}
