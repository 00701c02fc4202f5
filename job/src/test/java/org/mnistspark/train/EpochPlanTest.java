package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochPlanTest {

  @Test
  void everyImageOfAPartitionIsFittedExactlyOncePerEpochAcrossItsRounds() {
    EpochPlan plan = new EpochPlan(32, 7, 42);
    for (int images : new int[] {1, 31, 32, 33, 224, 225, 1200, 2401}) {
      int rounds = plan.rounds(images);
      int[] order = plan.order(images, 3, 1);
      List<Integer> partition = java.util.stream.IntStream.range(0, images).boxed().toList();
      List<Integer> fitted = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        int[] range = plan.batchRange(images, r);
        assertThat(range[1] - range[0]).isBetween(0, 7);
        for (int b = range[0]; b < range[1]; b++) {
          List<Integer> batch = plan.batch(partition, order, b);
          assertThat(batch.size()).isEqualTo(b < plan.batches(images) - 1 ? 32 : images - 32 * b);
          fitted.addAll(batch);
        }
      }
      assertThat(fitted).as("%d images", images).hasSize(images).doesNotHaveDuplicates();
      assertThat(plan.batchRange(images, rounds)).as("nothing left after the last round").containsExactly(plan.batches(images), plan.batches(images));
    }
  }

  @Test
  void roundsCoverTheLargestPartition() {
    EpochPlan plan = new EpochPlan(16, 30, 1);
    // 24,000 images: 1,500 minibatches, 50 rounds of 30
    assertThat(plan.batches(24_000)).isEqualTo(1500);
    assertThat(plan.rounds(24_000)).isEqualTo(50);
    // one more image: one more (small) minibatch, one more round
    assertThat(plan.rounds(24_001)).isEqualTo(51);
    assertThat(plan.rounds(0)).isEqualTo(1);
  }

  @Test
  void aGrowingPeriodMultipliesTheFrequencyEveryEpochUpToOneRoundPerEpoch() {
    EpochPlan plan = new EpochPlan(16, 64, 7);
    // 24,000 images: 1,500 minibatches; 64, 128, 256, 512, 1,024, then the whole partition in one round
    assertThat(java.util.stream.IntStream.rangeClosed(1, 7).map(e -> plan.inEpoch(e, 2, 24_000).averagingFrequency()))
        .containsExactly(64, 128, 256, 512, 1024, 1500, 1500);
    assertThat(plan.inEpoch(4, 2, 24_000).rounds(24_000)).isEqualTo(3);
    assertThat(plan.inEpoch(1_000, 3, 24_000).averagingFrequency()).as("no overflow").isEqualTo(1500);
    assertThat(plan.inEpoch(3, 1, 24_000)).as("growth 1: the same plan").isEqualTo(plan);
    assertThat(plan.inEpoch(3, 2, 800).averagingFrequency()).as("never below the given frequency").isEqualTo(64);
  }

  @Test
  void orderIsASeededShuffleThatChangesEachEpochAndPartition() {
    EpochPlan plan = new EpochPlan(8, 2, 42);
    int[] a = plan.order(1000, 1, 0);
    assertThat(plan.order(1000, 1, 0)).containsExactly(a);
    assertThat(plan.order(1000, 2, 0)).isNotEqualTo(a);
    assertThat(plan.order(1000, 1, 1)).isNotEqualTo(a);
    assertThat(new EpochPlan(8, 2, 43).order(1000, 1, 0)).isNotEqualTo(a);
    int[] sorted = a.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertThat(sorted[i]).isEqualTo(i);
    }
  }

  @Test
  void refusesEmptyBatchesAndRounds() {
    assertThatThrownBy(() -> new EpochPlan(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EpochPlan(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
