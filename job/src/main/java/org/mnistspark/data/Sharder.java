package org.mnistspark.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Splits the training file into training and validation parts and spreads them over the cluster
 * as compact records. The validation part is the last fraction of the file, as Keras'
 * {@code validation_split} takes it, so runs with different seeds validate on the same images.
 */
public final class Sharder {
  private final JavaSparkContext sc;
  private final int partitions;

  /** @param partitions RDD partitions; 0 means Spark's default parallelism */
  public Sharder(JavaSparkContext sc, int partitions) {
    this.sc = sc;
    this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
  }

  /** The two parts as RDDs; the training part is cached, since scaling statistics and training both read it. */
  public record Shards(JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation, int trainCount, int validationCount) {}

  /**
   * Returns the first {@code limit} images (all when 0) split into training and validation parts.
   *
   * @throws IllegalArgumentException if either part would be empty
   */
  public Shards shard(LabeledImages images, int limit, double validationFraction) {
    int used = used(images.size(), limit);
    int trainCount = trainCount(images.size(), limit, validationFraction);
    int validationCount = used - trainCount;
    if (trainCount < 1 || validationCount < 1) {
      throw new IllegalArgumentException("cannot split " + used + " images into training and validation parts at "
          + validationFraction);
    }
    JavaRDD<LabeledImage> train = sc.parallelize(images.range(0, trainCount), partitions)
        .setName("train records")
        .persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<LabeledImage> validation = sc.parallelize(images.range(trainCount, used), partitions)
        .setName("validation records");
    return new Shards(train, validation, trainCount, validationCount);
  }

  /** How many of {@code size} images the training part gets under {@code limit} (0 = all). */
  public static int trainCount(int size, int limit, double validationFraction) {
    int used = used(size, limit);
    return used - (int) Math.round(used * validationFraction);
  }

  private static int used(int size, int limit) {
    return limit > 0 ? Math.min(limit, size) : size;
  }
}
