package org.mnistspark.scale;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.mnistspark.data.LabeledImage;

/**
 * Count, sum and sum of squares of pixel values, exact in longs (60,000 images of 784 pixels of at
 * most 255 stay far below 2^63), so the distributed aggregate equals a direct computation bit for
 * bit whatever the partitioning.
 */
public record PixelMoments(long count, long sum, long sumOfSquares) implements Serializable {
  public static final PixelMoments EMPTY = new PixelMoments(0, 0, 0);

  /** Returns the moments of every pixel of every image in {@code images}, aggregated on the executors. */
  public static PixelMoments of(JavaRDD<LabeledImage> images) {
    // Spark clones the zero value and returns task results with its Kryo serializer, which cannot
    // rebuild a record on Java 17 ("can't get field offset on a record class"), so the three sums
    // travel as a long[3] and become a record on the driver.
    long[] m = images.aggregate(new long[3], (acc, image) -> {
      PixelMoments p = new PixelMoments(acc[0], acc[1], acc[2]).add(image);
      return new long[] {p.count, p.sum, p.sumOfSquares};
    }, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
    return new PixelMoments(m[0], m[1], m[2]);
  }

  public PixelMoments add(LabeledImage image) {
    long s = 0;
    long sq = 0;
    byte[] p = image.pixels();
    for (byte b : p) {
      int v = b & 0xff;
      s += v;
      sq += v * v;
    }
    return new PixelMoments(count + p.length, sum + s, sumOfSquares + sq);
  }

  public PixelMoments merge(PixelMoments other) {
    return new PixelMoments(count + other.count, sum + other.sum, sumOfSquares + other.sumOfSquares);
  }

  /** @throws IllegalStateException if no pixel was seen */
  public double mean() {
    if (count == 0) {
      throw new IllegalStateException("no pixels to compute a mean from");
    }
    return (double) sum / count;
  }

  /** Population standard deviation, as Keras' and DL4J's standardizers use. */
  public double std() {
    double m = mean();
    return Math.sqrt(Math.max(0, (double) sumOfSquares / count - m * m));
  }
}
