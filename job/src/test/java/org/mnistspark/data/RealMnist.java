package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** The real MNIST files the tests train on: where they are, and the data set loaded once per test JVM. */
public final class RealMnist {
  /** The folder with the four IDX files: {@code -Dmnist.dir} (the pom sets it), else data/mnist. */
  public static final String DIR = System.getProperty("mnist.dir", "data/mnist");

  /** Test images in {@link #shortTestDir()}: a fifth of the test set, for runs whose test accuracy is a sanity check. */
  public static final int SHORT_TEST_IMAGES = 2000;

  private static MnistData data;

  private RealMnist() {}

  /** Returns {@link #DIR}, failing with how to fetch MNIST unless its training images are there. */
  public static String dir() {
    assertThat(new File(DIR, MnistLoader.TRAIN_IMAGES)).as("real MNIST; run submit/fetch-mnist.sh").isFile();
    return DIR;
  }

  /** The data set in {@link #dir()}, loaded on first use and shared (it is immutable). */
  public static synchronized MnistData data() throws IOException {
    if (data == null) {
      data = new MnistLoader(new Configuration()).load(dir());
    }
    return data;
  }

  /**
   * Real MNIST's training files with its first {@value #SHORT_TEST_IMAGES} test images, in the
   * build folder, written once for every test JVM: evaluating a run there takes a fifth of the time.
   */
  public static synchronized String shortTestDir() {
    Path dir = Path.of(System.getProperty("project.root", ".."), "job/target/mnist-short-test").toAbsolutePath();
    try {
      if (!Files.isDirectory(dir)) {
        Path tmp = Files.createTempDirectory(dir.getParent(), ".mnist-short-test");
        withTestImages(tmp, SHORT_TEST_IMAGES);
        try {
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
          if (!Files.isDirectory(dir)) {
            throw raced;
          }
        }
      }
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fills {@code dir} with links to the real training files and the first {@code n} real test images. */
  public static Path withTestImages(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    Path real = Path.of(dir()).toAbsolutePath();
    for (String name : List.of(MnistLoader.TRAIN_IMAGES, MnistLoader.TRAIN_LABELS)) {
      Files.createSymbolicLink(dir.resolve(name), real.resolve(name));
    }
    byte[] images = Files.readAllBytes(real.resolve(MnistLoader.TEST_IMAGES));
    byte[] labels = Files.readAllBytes(real.resolve(MnistLoader.TEST_LABELS));
    Files.write(dir.resolve(MnistLoader.TEST_IMAGES), IdxBytes.images(Arrays.copyOfRange(images, 16, 16 + n * 784)));
    Files.write(dir.resolve(MnistLoader.TEST_LABELS), IdxBytes.labels(Arrays.copyOfRange(labels, 8, 8 + n)));
    return dir;
  }
}
