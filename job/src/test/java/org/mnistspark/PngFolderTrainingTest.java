package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * Real MNIST images written as PNG files in class folders (train/3/00007.png) train the model the
 * IDX files of the same images give, bit for bit; a folder that breaks a rule is refused in one line.
 */
class PngFolderTrainingTest {
  private static final int TRAIN = 600;

  @Test
  void classFoldersOfPngsTrainTheModelTheIdxFilesGive(@TempDir Path tmp) throws Exception {
    Path pngs = tmp.resolve("pngs");
    write(pngs.resolve("train"), RealMnist.data().train(), TRAIN);
    write(pngs.resolve("test"), RealMnist.data().test(), 300);
    String[] run = {"--master", "local[2]", "--train-limit", String.valueOf(TRAIN), "--epochs", "1",
        "--validations-per-epoch", "1"};

    CliRun.succeeding(TableTrainingTest.concat(new String[] {"train", "--data", pngs.toString(), "--out",
        tmp.resolve("p").toString()}, run));
    CliRun.succeeding(TableTrainingTest.concat(new String[] {"train", "--data", RealMnist.DIR, "--out",
        tmp.resolve("i").toString()}, run));

    // the test sets differ (300 images, 10,000), which the trained parameters do not see
    for (String entry : new String[] {"coefficients.bin", "updaterState.bin", "normalizer.bin"}) {
      assertThat(TableTrainingTest.bytes(tmp.resolve("p/model.zip"), entry)).as(entry)
          .isEqualTo(TableTrainingTest.bytes(tmp.resolve("i/model.zip"), entry));
    }
    JsonNode m = ModelStore.JSON.readTree(tmp.resolve("p/metrics.json").toFile());
    assertThat(m.at("/data/trainImages").asInt()).isEqualTo(480);
    assertThat(m.at("/data/testImages").asInt()).isEqualTo(300);
    assertThat(m.at("/test/accuracy").asDouble()).isGreaterThan(0.5);
    // one identity entry per folder, not one per file
    assertThat(m.at("/data/files").size()).isEqualTo(2);
    assertThat(m.at("/data/files/0/path").asText()).isEqualTo("file:" + pngs.resolve("train"));
    assertThat(m.at("/data/files/1/sha256").asText()).hasSize(64);
  }

  @Test
  void aFolderThatBreaksARuleIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
    Path pngs = tmp.resolve("pngs");
    write(pngs.resolve("train"), RealMnist.data().train(), 100);
    write(pngs.resolve("test"), RealMnist.data().test(), 50);

    Path other = Files.createDirectories(pngs.resolve("train/x"));
    assertRefused(pngs, tmp, "file:" + other + ": is not a class folder: a folder of PNGs holds one sub-folder per "
        + "label, named 0 to 9, of that label's PNG files");
    Files.delete(other);

    Path seven = pngs.resolve("test/7");
    Path away = Files.move(seven, tmp.resolve("seven"));
    Files.createDirectories(seven);
    assertRefused(pngs, tmp, "file:" + seven + ": holds no PNG files; a class folder needs at least one");
    Files.delete(seven);
    Files.move(away, seven);

    Path big = pngs.resolve("train/3/00042b.png");
    ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), "png", big.toFile());
    // the executors decode the images, so Spark has started; nothing is trained or written
    CliRun r = train(pngs, tmp);
    assertThat(r.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(r.errLines()).containsExactly("mnist-job: file:" + big + ": is 32x32, expected 28x28 (8-bit grayscale, as "
        + "MNIST)");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  /** The file system alone shows these: refused before Spark starts. */
  private static void assertRefused(Path data, Path tmp, String line) {
    CliRun.assertBadInput(train(data, tmp), "mnist-job: " + line);
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  private static CliRun train(Path data, Path tmp) {
    return CliRun.execute("train", "--master", "local[2]", "--data", data.toString(), "--out", tmp.resolve("out").toString());
  }

  /** The first {@code n} images as {@code dir/<label>/<index>.png}. */
  private static void write(Path dir, LabeledImages images, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      Path folder = Files.createDirectories(dir.resolve(String.valueOf(images.get(i).label())));
      BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      image.getRaster().setDataElements(0, 0, 28, 28, images.get(i).pixels());
      ImageIO.write(image, "png", folder.resolve(String.format("%05d.png", i)).toFile());
    }
  }
}
