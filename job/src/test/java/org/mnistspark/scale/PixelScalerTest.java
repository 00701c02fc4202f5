package org.mnistspark.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mnistspark.UnitSpark;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.Sharder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

class PixelScalerTest {
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

  @Test
  void minmaxMapsZeroToZeroAnd255ToOne() {
    PixelScaler s = PixelScaler.fit(Scaling.MINMAX, sc.parallelize(PixelMomentsTest.randomImages(3, 1)));
    assertThat(s).isEqualTo(PixelScaler.minmax());
    assertThat(s.apply(0)).isEqualTo(0f);
    assertThat(s.apply(255)).isEqualTo(1f);
    assertThat(s.apply(51)).isEqualTo(0.2f);
  }

  @Test
  void noneIsIdentity() {
    PixelScaler s = PixelScaler.fit(Scaling.NONE, sc.parallelize(PixelMomentsTest.randomImages(3, 1)));
    for (int v = 0; v < 256; v++) {
      assertThat(s.apply(v)).isEqualTo((float) v);
    }
    assertThat(s.toNormalizer()).isNull();
  }

  @Test
  void standardizeOfKnownBytes() {
    // half 0, half 255: mean 127.5, std 127.5
    byte[] p = new byte[LabeledImages.PIXELS];
    for (int i = 0; i < p.length; i += 2) {
      p[i] = (byte) 255;
    }
    PixelScaler s = PixelScaler.standardize(PixelMoments.EMPTY.add(new LabeledImage(p, 0)));
    assertThat(s).isEqualTo(PixelScaler.standardized(127.5, 127.5));
    assertThat(s.apply(0)).isEqualTo(-1f);
    assertThat(s.apply(255)).isEqualTo(1f);
    assertThat(s.apply(51)).isEqualTo(-0.6f);

    // every byte value in turn: (x - mean) / std with mean and std computed here
    List<LabeledImage> images = List.of(new LabeledImage(ramp(), 3));
    double[] ms = PixelMomentsTest.direct(images);
    PixelScaler ramp = PixelScaler.fit(Scaling.STANDARDIZE, sc.parallelize(images, 3));
    assertThat(ramp.offset()).isCloseTo(ms[0], within(1e-9));
    assertThat(ramp.divisor()).isCloseTo(ms[1], within(1e-9));
    for (int v = 0; v < 256; v++) {
      assertThat(ramp.apply(v)).isCloseTo((float) ((v - ms[0]) / ms[1]), within(1e-6f));
    }
  }

  @Test
  void standardizeRefusesConstantPixels() {
    assertThatThrownBy(() -> PixelScaler.standardize(PixelMoments.EMPTY.add(new LabeledImage(new byte[784], 0))))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("all training pixels are equal; cannot standardize");
  }

  @Test
  void scalingLabels() {
    assertThat(Scaling.parse(" MinMax ")).isEqualTo(Scaling.MINMAX);
    assertThat(Scaling.parse("standardize")).isEqualTo(Scaling.STANDARDIZE);
    assertThat(Scaling.NONE.label()).isEqualTo("none");
    assertThatThrownBy(() -> Scaling.parse("foo")).isInstanceOf(IllegalArgumentException.class);
  }

  /** A kind paired with another kind's numbers is refused: bench once scaled "none" runs by x/255. */
  @ParameterizedTest(name = "{0} with offset {1} and divisor {2}")
  @CsvSource({"NONE, 0, 255", "NONE, 1, 1", "MINMAX, 0, 1", "MINMAX, 33.3, 78.6", "STANDARDIZE, 33.3, 0",
      "STANDARDIZE, 33.3, -1", "STANDARDIZE, NaN, 78.6"})
  void aKindWithAnotherKindsNumbersIsRefused(Scaling kind, double offset, double divisor) {
    assertThatThrownBy(() -> new PixelScaler(kind, offset, divisor)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("scaling " + kind.label() + " cannot have offset");
  }

  @Test
  void fittingOnTheDriverGivesTheSameScalerAsOnSpark() {
    List<LabeledImage> images = PixelMomentsTest.randomImages(5, 3);
    PixelMoments moments = PixelMoments.EMPTY;
    for (LabeledImage im : images) {
      moments = moments.add(im);
    }
    assertThat(PixelScaler.fit(Scaling.STANDARDIZE, images)).isEqualTo(PixelScaler.standardize(moments));
    assertThat(PixelScaler.fit(Scaling.NONE, images)).isEqualTo(PixelScaler.none());
    assertThat(PixelScaler.fit(Scaling.MINMAX, images)).isEqualTo(PixelScaler.minmax());
  }

  /** DL4J's normalizer, saved with the model, must scale raw pixels exactly as training did. */
  @Test
  void normalizerOfEachKindMatchesTheAssembler() {
    List<LabeledImage> images = PixelMomentsTest.randomImages(5, 3);
    List<LabeledImage> withExtremes = new ArrayList<>(images);
    withExtremes.add(new LabeledImage(ramp(), 9));
    PixelMoments moments = PixelMoments.EMPTY;
    for (LabeledImage im : withExtremes) {
      moments = moments.add(im);
    }
    for (PixelScaler scaler : List.of(
        PixelScaler.none(),
        PixelScaler.minmax(),
        PixelScaler.standardize(moments))) {
      DataSet assembled = new MinibatchAssembler(scaler, withExtremes.size()).call(withExtremes.iterator()).next();
      DataSet raw = rawDataSet(withExtremes);
      DataNormalization normalizer = scaler.toNormalizer();
      switch (scaler.kind()) {
        case NONE -> assertThat(normalizer).isNull();
        case MINMAX -> assertThat(normalizer).isExactlyInstanceOf(ImagePreProcessingScaler.class);
        case STANDARDIZE -> assertThat(normalizer).isExactlyInstanceOf(NormalizerStandardize.class);
      }
      if (normalizer != null) {
        normalizer.transform(raw);
      }
      assertThat(raw.getFeatures().shape()).isEqualTo(assembled.getFeatures().shape());
      float[] expected = assembled.getFeatures().ravel().toFloatVector();
      float[] actual = raw.getFeatures().ravel().toFloatVector();
      for (int i = 0; i < expected.length; i++) {
        if (Math.abs(expected[i] - actual[i]) > 1e-5f) {
          throw new AssertionError(scaler.kind() + ": feature " + i + " is " + actual[i] + " after the normalizer, "
              + expected[i] + " from the assembler");
        }
      }
      // and the normalizer leaves the labels alone
      assertThat(raw.getLabels()).isEqualTo(assembled.getLabels());
    }
  }

  /** Scaling statistics must come from the training split only, never from the held-out images. */
  @Test
  void statisticsComeFromTheTrainingSplitOnly() {
    int n = 10; // the last 20%, two images, are all 255
    List<LabeledImage> images = PixelMomentsTest.randomImages(8, 5);
    byte[] pixels = new byte[n * LabeledImages.PIXELS];
    byte[] labels = new byte[n];
    for (int i = 0; i < 8; i++) {
      System.arraycopy(images.get(i).pixels(), 0, pixels, i * LabeledImages.PIXELS, LabeledImages.PIXELS);
      labels[i] = (byte) images.get(i).label();
    }
    java.util.Arrays.fill(pixels, 8 * LabeledImages.PIXELS, pixels.length, (byte) 255);
    LabeledImages all = new LabeledImages(pixels, labels);

    Sharder.Shards shards = new Sharder(sc, 3).shard(all, 0, 0.2);
    try {
      assertThat(shards.trainCount()).isEqualTo(8);
      assertThat(shards.validationCount()).isEqualTo(2);
      assertThat(shards.train().getNumPartitions()).isEqualTo(3);

      PixelScaler s = PixelScaler.fit(Scaling.STANDARDIZE, shards.train());
      double[] firstEighty = PixelMomentsTest.direct(images);
      assertThat(s.offset()).isCloseTo(firstEighty[0], within(1e-9));
      assertThat(s.divisor()).isCloseTo(firstEighty[1], within(1e-9));
      double[] everything = PixelMomentsTest.direct(all.all());
      assertThat(everything[0]).as("the held-out images would move the mean").isGreaterThan(firstEighty[0] + 20);

      // the held-out part is the last 20%, the all-255 images
      for (LabeledImage v : shards.validation().collect()) {
        assertThat(v.pixels()).containsOnly((byte) 255);
      }
    } finally {
      shards.train().unpersist();
    }
  }

  private static byte[] ramp() {
    byte[] p = new byte[LabeledImages.PIXELS];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) i;
    }
    return p;
  }

  private static DataSet rawDataSet(List<LabeledImage> images) {
    int n = images.size();
    float[] f = new float[n * LabeledImages.PIXELS];
    float[] l = new float[n * 10];
    for (int i = 0; i < n; i++) {
      byte[] p = images.get(i).pixels();
      for (int j = 0; j < p.length; j++) {
        f[i * LabeledImages.PIXELS + j] = p[j] & 0xff;
      }
      l[i * 10 + images.get(i).label()] = 1;
    }
    INDArray features = Nd4j.create(f, new long[] {n, 1, 28, 28}, 'c');
    return new DataSet(features, Nd4j.create(l, new long[] {n, 10}, 'c'));
  }
}
