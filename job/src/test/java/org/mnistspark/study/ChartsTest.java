package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;
import static org.mnistspark.scale.Scaling.STANDARDIZE;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartsTest {
  private static StudySummary threeScalingsTwoSeeds() {
    StudyPlan plan = Runs.plan(4, 2, NONE, MINMAX, STANDARDIZE);
    StudyResults r = StudyResults.empty(plan);
    double[][] curves = {
        {0.951, 0.972, 0.979, 0.983}, {0.946, 0.969, 0.981, 0.985},
        {0.978, 0.986, 0.989, 0.991}, {0.976, 0.985, 0.990, 0.992},
        {0.979, 0.987, 0.989, 0.990}, {0.980, 0.986, 0.991, 0.991}};
    int i = 0;
    for (var s : plan.scalings()) {
      for (int seed = 0; seed < 2; seed++) {
        StudyPlan.Run run = Runs.run(plan, s, seed);
        r = r.with(run, Runs.record(run, curves[i][3] - 0.001, 60, curves[i++]), "t");
      }
    }
    return StudySummary.of(plan, r);
  }

  @Test
  void accuracyAndLossPlotsDecodeAsPngsOfTheDocumentedSize() throws Exception {
    StudySummary s = threeScalingsTwoSeeds();
    for (byte[] png : new byte[][] {Charts.accuracy(s), Charts.loss(s)}) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(image).as("decodes as an image").isNotNull();
      assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
      assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
    }
    // for a look by eye: mvn test leaves them in job/target/
    Files.write(Path.of("target", "charts-test-accuracy.png"), Charts.accuracy(s));
    Files.write(Path.of("target", "charts-test-loss.png"), Charts.loss(s));
  }
}
