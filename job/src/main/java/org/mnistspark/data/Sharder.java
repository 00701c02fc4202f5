package org.mnistspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

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
      // null for a table's records, which live in the caches alone
      if (images != null) {
        images.destroy(false);
      }
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

  /**
   * As {@link #shard(LabeledImages, int, double)} for records that are already on the executors
   * (a table's), {@code size} of them in {@code ordered}'s order: the same parts in the same
   * contiguous slices, so the same images train the same workers in the same order as from IDX files.
   */
  public Shards shard(JavaRDD<LabeledImage> ordered, int size, int limit, double validationFraction) {
    Split split = split(size, limit, validationFraction);
    if (split.isEmpty()) {
      throw new IllegalArgumentException("cannot split " + split.used() + " images into training and validation parts at "
          + validationFraction);
    }
    JavaPairRDD<Long, LabeledImage> indexed = indexed(ordered);
    JavaRDD<LabeledImage> train = slices(indexed, 0, split.train()).setName("train records").persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<LabeledImage> validation = slices(indexed, split.train(), split.used()).setName("validation records")
        .persist(StorageLevel.MEMORY_ONLY());
    return new Shards(train, validation, split.train(), split.validation(), null);
  }

  /**
   * The {@code size} items of {@code ordered} (already on the executors: a table's rows) in its
   * order, cut into contiguous slices as {@link #spread(LabeledImages)} cuts images of a file.
   */
  public <T> JavaRDD<T> spread(JavaRDD<T> ordered, int size) {
    return slices(indexed(ordered), 0, size);
  }

  private static <T> JavaPairRDD<Long, T> indexed(JavaRDD<T> ordered) {
    return ordered.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
  }

  /** Items {@code from} to {@code to} of {@code indexed}, in index order, cut as {@link #slices(Broadcast, int, int)} cuts them. */
  private <T> JavaRDD<T> slices(JavaPairRDD<Long, T> indexed, int from, int to) {
    return indexed.filter(t -> t._1() >= from && t._1() < to)
        .repartitionAndSortWithinPartitions(new SlicePartitioner(from, to, partitions)).values();
  }

  /** Index i of [from, to) goes to the slice that {@link #slices(Broadcast, int, int)} would put image i in. */
  static final class SlicePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;
    private final int partitions;

    SlicePartitioner(int from, int to, int partitions) {
      this.from = from;
      this.to = to;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      long i = (Long) key - from;
      long n = to - from;
      // the slice p with n*p/P <= i < n*(p+1)/P
      int p = (int) ((i * partitions + partitions - 1) / n);
      while (p > 0 && n * p / partitions > i) {
        p--;
      }
      while (p < partitions - 1 && n * (p + 1) / partitions <= i) {
        p++;
      }
      return p;
    }
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
