package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/** The real MNIST files the tests train on: where they are, and the data set loaded once per test JVM. */
public final class RealMnist {
  /** The folder with the four IDX files: {@code -Dmnist.dir} (the pom sets it), else data/mnist. */
  public static final String DIR = System.getProperty("mnist.dir", "data/mnist");

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
}
