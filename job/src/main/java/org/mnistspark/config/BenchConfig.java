package org.mnistspark.config;

import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.countList;
import static org.mnistspark.config.Validators.nonNegative;
import static org.mnistspark.config.Validators.range;

import java.util.List;

/**
 * The {@code mnist.bench} block of the settings tree: what the benchmark sweeps and trains to.
 * Lists are comma-separated counts, as on the command line; the typed accessors give them parsed.
 *
 * @param baselineBatchSizes plain-fit batch sizes
 * @param threads native threads of the plain fit
 * @param batchSizes resident-trainer batch sizes per worker of the throughput sweep
 * @param averagingFrequencies averaging frequencies of the throughput sweep
 * @param throughputImages training images of the throughput phase, >= 100
 * @param target validation accuracy the time-to-accuracy phase trains to, (0, 1]
 * @param maxEpochs epoch limit of the time-to-accuracy phase, >= 1
 * @param timeLimitFactor later time-to-accuracy rows stop after this many times the default's
 *     seconds to the target, >= 0; 0 = only maxEpochs
 */
public record BenchConfig(String baselineBatchSizes, String threads, String batchSizes, String averagingFrequencies,
    int throughputImages, double target, int maxEpochs, double timeLimitFactor) {

  public BenchConfig {
    countList("baseline-batch-sizes", baselineBatchSizes, 1);
    countList("threads", threads, 1);
    countList("batch-sizes", batchSizes, 1);
    countList("averaging-frequencies", averagingFrequencies, 1);
    atLeast("throughput-images", throughputImages, 100);
    range("target", target, Double.MIN_VALUE, true, "must lie in (0, 1]: a validation accuracy, e.g. 0.99");
    atLeast("max-epochs", maxEpochs, 1);
    nonNegative("time-limit-factor", timeLimitFactor);
  }

  public List<Integer> baselineBatchSizeList() {
    return countList("baseline-batch-sizes", baselineBatchSizes, 1);
  }

  public List<Integer> threadList() {
    return countList("threads", threads, 1);
  }

  public List<Integer> batchSizeList() {
    return countList("batch-sizes", batchSizes, 1);
  }

  public List<Integer> averagingFrequencyList() {
    return countList("averaging-frequencies", averagingFrequencies, 1);
  }
}
