package org.mnistspark.scale;

import java.io.Serializable;
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
   * Returns the scaler of the given kind, fitting mean and std on {@code trainImages} (the
   * training split only) when the kind needs them.
   */
  public static PixelScaler fit(Scaling kind, JavaRDD<LabeledImage> trainImages) {
    return switch (kind) {
      case NONE -> new PixelScaler(kind, 0, 1);
      case MINMAX -> new PixelScaler(kind, 0, 255);
      case STANDARDIZE -> standardize(PixelMoments.of(trainImages));
    };
  }

  /** @throws IllegalArgumentException if the pixels are all equal (std 0) */
  public static PixelScaler standardize(PixelMoments moments) {
    double std = moments.std();
    if (std == 0) {
      throw new IllegalArgumentException("all training pixels are equal; cannot standardize");
    }
    return new PixelScaler(Scaling.STANDARDIZE, moments.mean(), std);
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
