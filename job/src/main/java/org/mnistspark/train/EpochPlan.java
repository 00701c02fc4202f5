package org.mnistspark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Which images a worker fits in which averaging round: every epoch each worker shuffles its own
 * partition (seeded by run seed, epoch and partition, so a rerun or a retried task sees the same
 * order), cuts it into minibatches and fits {@code averagingFrequency} of them per round. Every
 * image is fitted exactly once per epoch; a partition's last minibatch may be smaller.
 */
public record EpochPlan(int batchSize, int averagingFrequency, long seed) implements Serializable {

  public EpochPlan {
    if (batchSize < 1 || averagingFrequency < 1) {
      throw new IllegalArgumentException("batch size and averaging frequency must be at least 1");
    }
  }

  /**
   * This plan in {@code epoch} (1-based) when the averaging frequency grows by {@code growth} after
   * every epoch, never beyond one round per epoch for a partition of {@code largestPartition}.
   */
  public EpochPlan inEpoch(int epoch, int growth, int largestPartition) {
    long frequency = averagingFrequency;
    int cap = Math.max(averagingFrequency, batches(largestPartition));
    for (int e = 1; e < epoch && frequency < cap; e++) {
      frequency *= growth;
    }
    return new EpochPlan(batchSize, (int) Math.min(frequency, cap), seed);
  }

  /** Minibatches a partition of {@code images} images is cut into. */
  public int batches(int images) {
    return (images + batchSize - 1) / batchSize;
  }

  /** Rounds per epoch when the largest partition holds {@code largestPartition} images. */
  public int rounds(int largestPartition) {
    return Math.max(1, (batches(largestPartition) + averagingFrequency - 1) / averagingFrequency);
  }

  /** The partition's image order in {@code epoch} (1-based): a seeded Fisher-Yates shuffle of 0..images-1. */
  public int[] order(int images, int epoch, int partition) {
    int[] order = new int[images];
    for (int i = 0; i < images; i++) {
      order[i] = i;
    }
    Random random = new Random(seed * 1_000_003L + epoch * 7_919L + partition);
    for (int i = images - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Minibatch {@code b} (0-based) of {@code images} taken in {@code order}. */
  public <T> List<T> batch(List<T> images, int[] order, int b) {
    List<T> batch = new ArrayList<>(batchSize);
    for (int i = b * batchSize; i < Math.min(images.size(), (b + 1) * batchSize); i++) {
      batch.add(images.get(order[i]));
    }
    return batch;
  }

  /** Index of the first minibatch of {@code round} (0-based) and one past its last, for a partition of {@code images}. */
  public int[] batchRange(int images, int round) {
    int total = batches(images);
    int from = Math.min(total, round * averagingFrequency);
    return new int[] {from, Math.min(total, from + averagingFrequency)};
  }
}
