package org.mnistspark.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.UnitSpark;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;

class PixelMomentsTest {
  private static JavaSparkContext sc;

  @BeforeAll
  static void startSpark() {
    sc = UnitSpark.start();
  }

  @AfterAll
  static void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  /** {@code n} images of random bytes, skewed towards dark pixels as MNIST is. */
  static List<LabeledImage> randomImages(int n, long seed) {
    Random r = new Random(seed);
    List<LabeledImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] p = new byte[LabeledImages.PIXELS];
      for (int j = 0; j < p.length; j++) {
        p[j] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : 0);
      }
      out.add(new LabeledImage(p, i % 10));
    }
    return out;
  }

  /** Mean and population std in doubles, two passes, straight from the bytes. */
  static double[] direct(List<LabeledImage> images) {
    double sum = 0;
    long n = 0;
    for (LabeledImage im : images) {
      for (byte b : im.pixels()) {
        sum += b & 0xff;
        n++;
      }
    }
    double mean = sum / n;
    double sq = 0;
    for (LabeledImage im : images) {
      for (byte b : im.pixels()) {
        double d = (b & 0xff) - mean;
        sq += d * d;
      }
    }
    return new double[] {mean, Math.sqrt(sq / n)};
  }

  @Test
  void sparkUsesKryo() {
    assertThat(sc.getConf().get("spark.serializer")).isEqualTo("org.apache.spark.serializer.KryoSerializer");
    assertThat(sc.getConf().get("spark.kryo.registrator")).isEqualTo("org.mnistspark.DetachedNd4jRegistrator");
    assertThat(sc.master()).isEqualTo("local[2]");
  }

  @Test
  void distributedMomentsEqualADirectComputation() {
    List<LabeledImage> images = randomImages(53, 7);
    JavaRDD<LabeledImage> rdd = sc.parallelize(images, 4);
    assertThat(rdd.getNumPartitions()).isEqualTo(4);

    PixelMoments m = PixelMoments.of(rdd);

    double[] expected = direct(images);
    assertThat(m.count()).isEqualTo(53L * 784);
    assertThat(m.mean()).isCloseTo(expected[0], within(1e-6));
    assertThat(m.std()).isCloseTo(expected[1], within(1e-6));
    long sum = 0;
    long sq = 0;
    for (LabeledImage im : images) {
      for (byte b : im.pixels()) {
        sum += b & 0xff;
        sq += (b & 0xff) * (b & 0xff);
      }
    }
    assertThat(m).isEqualTo(new PixelMoments(53L * 784, sum, sq));
  }

  @Test
  void resultDoesNotDependOnPartitioningOrSerializedStorage() {
    List<LabeledImage> images = randomImages(31, 11);
    PixelMoments one = PixelMoments.of(sc.parallelize(images, 1));
    PixelMoments three = PixelMoments.of(sc.parallelize(images, 3));
    // serialized storage puts every record through Kryo
    JavaRDD<LabeledImage> kryo = sc.parallelize(images, 5).persist(StorageLevel.MEMORY_ONLY_SER());
    try {
      assertThat(kryo.count()).isEqualTo(31);
      PixelMoments five = PixelMoments.of(kryo);
      assertThat(three).isEqualTo(one);
      assertThat(five).isEqualTo(one);
      // empty partitions (more partitions than images) contribute nothing
      assertThat(PixelMoments.of(sc.parallelize(images.subList(0, 2), 6))).isEqualTo(
          PixelMoments.EMPTY.add(images.get(0)).add(images.get(1)));
    } finally {
      kryo.unpersist();
    }
  }

  @Test
  void knownBytes() {
    byte[] p = new byte[LabeledImages.PIXELS];
    for (int i = 0; i < p.length; i += 2) {
      p[i] = (byte) 255;
    }
    PixelMoments m = PixelMoments.EMPTY.add(new LabeledImage(p, 0));
    assertThat(m).isEqualTo(new PixelMoments(784, 392 * 255, 392 * 255 * 255));
    assertThat(m.mean()).isEqualTo(127.5);
    assertThat(m.std()).isEqualTo(127.5);
    assertThat(PixelMoments.EMPTY.add(new LabeledImage(new byte[784], 0)).std()).isZero();
  }

  @Test
  void emptyHasNoMean() {
    assertThatThrownBy(PixelMoments.EMPTY::mean)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("no pixels to compute a mean from");
    assertThatThrownBy(() -> PixelMoments.of(sc.parallelize(List.<LabeledImage>of(), 3)).std())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("no pixels to compute a mean from");
  }
}
