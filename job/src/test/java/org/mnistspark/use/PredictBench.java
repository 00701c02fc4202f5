package org.mnistspark.use;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.MnistLoader;

/**
 * Predict's throughput on local[2] over the 10,000 MNIST test images, three runs in one JVM; not
 * part of the suite (run it with -Dtest=PredictBench, and -Dbench.model=DIR to use a saved model
 * instead of training one). The first run pays for loading the model on the executors, as every
 * run on a cluster does; later runs here find it loaded (in local mode the executor is this JVM),
 * which isolates the scoring itself.
 */
class PredictBench {
  private static final Pattern RATE = Pattern.compile("in ([0-9.]+) s \\(([0-9]+) images/s\\)");
  @TempDir Path tmp;

  @Test
  void predictTenThousandImagesOnLocal2() throws Exception {
    String model = System.getProperty("bench.model", "");
    String path = model.isEmpty() ? UseFixture.trainedRun().toString() : model;
    String images = Path.of(UseFixture.MNIST, MnistLoader.TEST_IMAGES).toString();
    for (int run = 1; run <= 3; run++) {
      CliRun r = UseFixture.run("predict", "--master", "local[2]", "--model", path, "--images", images,
          "--out", tmp.resolve("p").toString());
      assertThat(r.exitCode()).as("stderr %s", r.err()).isZero();
      Matcher m = RATE.matcher(r.out());
      assertThat(m.find()).isTrue();
      System.out.printf("BENCH predict run %d (%s): %s s, %s images/s%n", run, run == 1 ? "model loaded on executors"
          : "model already loaded", m.group(1), m.group(2));
    }
  }
}
