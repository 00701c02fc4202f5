package org.mnistspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
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

  /**
   * The two parts as RDDs, both cached: scaling statistics and every epoch read the training part,
   * every validation check the validation part. The records are references into the broadcast, so
   * the cache costs little. The only place the job's records are persisted; closing releases the
   * caches and the broadcast images.
   */
  public record Shards(JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation, int trainCount, int validationCount,
      Broadcast<LabeledImages> images) implements AutoCloseable {
    @Override
    public void close() {
      train.unpersist(false);
      validation.unpersist(false);
      images.destroy(false);
    }
  }

  /**
   * Returns the first {@code limit} images (all when 0) split into training and validation parts.
   *
   * @throws IllegalArgumentException if either part would be empty
   */
  public Shards shard(LabeledImages images, int limit, double validationFraction) {
    Split split = split(images.size(), limit, validationFraction);
    int used = split.used();
    int trainCount = split.train();
    if (split.isEmpty()) {
      throw new IllegalArgumentException("cannot split " + used + " images into training and validation parts at "
          + validationFraction);
    }
    // Broadcast once rather than parallelize(records): a parallelized partition travels inside
    // every task that reads it, and DL4J runs several stages per averaging round (18 MB per task
    // per stage at 60,000 images). A broadcast is fetched once per executor and can be fetched again.
    Broadcast<LabeledImages> block = sc.broadcast(images.head(used));
    JavaRDD<LabeledImage> train = slices(block, 0, trainCount)
        .setName("train records")
        .persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<LabeledImage> validation = slices(block, trainCount, used)
        .setName("validation records")
        .persist(StorageLevel.MEMORY_ONLY());
    return new Shards(train, validation, trainCount, split.validation(), block);
  }

  /** All of {@code images} as records, in order, for scoring; closing releases the broadcast. */
  public record Spread(JavaRDD<LabeledImage> records, Broadcast<LabeledImages> images) implements AutoCloseable {
    @Override
    public void close() {
      images.destroy(false);
    }
  }

  /** Spreads {@code images} as {@link #shard} spreads a part: one broadcast, cut into contiguous slices. */
  public Spread spread(LabeledImages images) {
    Broadcast<LabeledImages> block = sc.broadcast(images);
    return new Spread(slices(block, 0, images.size()).setName("records"), block);
  }

  /** Images {@code from} to {@code to} of the broadcast, cut into {@code partitions} contiguous slices. */
  private JavaRDD<LabeledImage> slices(Broadcast<LabeledImages> block, int from, int to) {
    List<int[]> bounds = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      bounds.add(new int[] {from + (int) ((long) (to - from) * p / partitions), from + (int) ((long) (to - from) * (p + 1) / partitions)});
    }
    return sc.parallelize(bounds, partitions).flatMap(new SliceRecords(block));
  }

  /** Turns one slice's bounds into records on the executor; holds only the broadcast handle. */
  static final class SliceRecords implements FlatMapFunction<int[], LabeledImage> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<LabeledImages> images;

    SliceRecords(Broadcast<LabeledImages> images) {
      this.images = images;
    }

    @Override
    public Iterator<LabeledImage> call(int[] bounds) {
      return images.value().range(bounds[0], bounds[1]).iterator();
    }
  }

  /** How many images are used, and how many of them each part gets. */
  public record Split(int used, int train, int validation) {
    /** Whether a part gets no image: training cannot run, or has nothing to validate on. */
    public boolean isEmpty() {
      return train < 1 || validation < 1;
    }
  }

  /** How the first {@code limit} (0 = all) of {@code size} images split at {@code validationFraction}. */
  public static Split split(int size, int limit, double validationFraction) {
    int used = limit > 0 ? Math.min(limit, size) : size;
    int validation = (int) Math.round(used * validationFraction);
    return new Split(used, used - validation, validation);
  }

  /** How many of {@code size} images the training part gets under {@code limit} (0 = all). */
  public static int trainCount(int size, int limit, double validationFraction) {
    return split(size, limit, validationFraction).train();
  }
}
