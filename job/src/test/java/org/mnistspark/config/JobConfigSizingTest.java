package org.mnistspark.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The automatic batch size and averaging frequency: pure arithmetic on the images per worker. */
class JobConfigSizingTest {

  private static JobConfig auto(int epochs) {
    return JobConfig.load(null, Map.of("epochs", epochs, "batch-size-per-worker", 0, "averaging-frequency", 0));
  }

  @Test
  void theFullSplitOnTwoWorkersGetsBatch16AveragedEvery64() {
    JobConfig c = auto(4).sizedFor(24_000);
    assertThat(c.batchSizePerWorker()).isEqualTo(16);
    assertThat(c.averagingFrequency()).isEqualTo(64);
  }

  @Test
  void aSmallSplitGetsTheSmallestBatchAndALargeOneLargerBatchesWithAsManyImagesPerRound() {
    // README's smoke run: 6,000 images, 4,800 for training, 2,400 per worker, one epoch
    JobConfig smoke = auto(1).sizedFor(2_400);
    assertThat(smoke.batchSizePerWorker()).isEqualTo(16);
    assertThat(smoke.averagingFrequency()).isEqualTo(64);
    // ten times MNIST: 6,000 steps over 4 epochs of 144,000 images is a batch of 96, kept to 64
    JobConfig large = auto(4).sizedFor(144_000);
    assertThat(large.batchSizePerWorker()).isEqualTo(64);
    assertThat(large.averagingFrequency()).isEqualTo(16);
    JobConfig middle = auto(4).sizedFor(36_000);
    assertThat(middle.batchSizePerWorker()).isEqualTo(24);
    assertThat(middle.averagingFrequency()).isEqualTo(42);
  }

  @Test
  void givenSizesAreKept() {
    JobConfig given = JobConfig.load(null, Map.of("batch-size-per-worker", 128, "averaging-frequency", 3));
    assertThat(given.sizedFor(100)).isEqualTo(given);
    JobConfig batchOnly = JobConfig.load(null, Map.of("batch-size-per-worker", 128, "averaging-frequency", 0));
    assertThat(batchOnly.sizedFor(24_000).averagingFrequency()).isEqualTo(8);
  }
}
