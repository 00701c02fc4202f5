package org.mnistspark.scale;

import java.io.Serializable;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.mnistspark.data.LabeledImage;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fitted pixel transform x -> (x - offset) / divisor. Holds only those two numbers, so it is
 * cheap to ship to executors; {@link #toNormalizer()} gives DL4J's equivalent for the saved model.
 */
public record PixelScaler(Scaling kind, double offset, double divisor) implements Serializable {

  /**
   * @throws IllegalArgumentException if the numbers are not the kind's: none is (0, 1), minmax
   *     (0, 255), standardize a finite mean and a positive finite std
   */
  public PixelScaler {
    boolean fits = switch (kind) {
      case NONE -> offset == 0 && divisor == 1;
      case MINMAX -> offset == 0 && divisor == 255;
      case STANDARDIZE -> Double.isFinite(offset) && divisor > 0 && Double.isFinite(divisor);
    };
    if (!fits) {
      throw new IllegalArgumentException("scaling " + kind.label() + " cannot have offset " + offset + " and divisor "
          + divisor + " (none is 0 and 1, minmax 0 and 255, standardize a mean and a positive std)");
    }
  }

  /** Raw pixels, 0..255: x -> x. */
  public static PixelScaler none() {
    return new PixelScaler(Scaling.NONE, 0, 1);
  }

  /** x -> x / 255. */
  public static PixelScaler minmax() {
    return new PixelScaler(Scaling.MINMAX, 0, 255);
  }

  /** x -> (x - mean) / std with statistics fitted elsewhere (a checkpoint's, a test's). */
  public static PixelScaler standardized(double mean, double std) {
    return new PixelScaler(Scaling.STANDARDIZE, mean, std);
  }

  /**
   * Returns the scaler of the given kind, fitting mean and std on {@code trainImages} (the
   * training split only) when the kind needs them.
   */
  public static PixelScaler fit(Scaling kind, JavaRDD<LabeledImage> trainImages) {
    return fit(kind, () -> PixelMoments.of(trainImages));
  }

  /** As {@link #fit(Scaling, JavaRDD)} over images on the driver (a single-JVM run's). */
  public static PixelScaler fit(Scaling kind, List<LabeledImage> trainImages) {
    return fit(kind, () -> trainImages.stream().reduce(PixelMoments.EMPTY, PixelMoments::add, PixelMoments::merge));
  }

  private static PixelScaler fit(Scaling kind, Supplier<PixelMoments> moments) {
    return switch (kind) {
      case NONE -> none();
      case MINMAX -> minmax();
      case STANDARDIZE -> standardize(moments.get());
    };
  }

  /** @throws IllegalArgumentException if the pixels are all equal (std 0) */
  public static PixelScaler standardize(PixelMoments moments) {
    double std = moments.std();
    if (std == 0) {
      throw new IllegalArgumentException("all training pixels are equal; cannot standardize");
    }
    return standardized(moments.mean(), std);
  }

  public float apply(int pixel) {
    return (float) ((pixel - offset) / divisor);
  }

  /**
   * DL4J's normalizer that applies the same transform to [n, 1, 28, 28] features, for
   * ModelSerializer; null for {@link Scaling#NONE}, which stores no normalizer.
   */
  public DataNormalization toNormalizer() {
    return switch (kind) {
      case NONE -> null;
      case MINMAX -> new ImagePreProcessingScaler(0, 1);
      // one channel: DL4J broadcasts per-channel statistics over the image
      case STANDARDIZE -> new NormalizerStandardize(
          Nd4j.createFromArray(new float[] {(float) offset}), Nd4j.createFromArray(new float[] {(float) divisor}));
    };
  }
}
