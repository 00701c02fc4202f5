package org.mnistspark.config;

import static org.mnistspark.config.Validators.atLeast;
import static org.mnistspark.config.Validators.countList;
import static org.mnistspark.config.Validators.rates;
import static org.mnistspark.config.Validators.risingAccuracies;

import java.util.List;

/**
 * The {@code mnist.bench} block of the settings tree: what the benchmark sweeps and compares.
 * Lists are comma-separated, as on the command line; the typed accessors give them parsed.
 *
 * @param baselineBatchSizes plain-fit batch sizes of the throughput sweep
 * @param threads native threads of the plain fit
 * @param batchSizes resident-trainer batch sizes per worker of the throughput sweep
 * @param averagingFrequencies averaging frequencies of the throughput sweep
 * @param throughputImages training images of the throughput phase, >= 100
 * @param seeds runs of the default and of the best baseline in the quality phase, >= 1
 * @param thresholds rising validation accuracies whose first training second the quality phase reports
 * @param baselineLearningRates the rates the quality phase's baseline tries on the first seed
 * @param growthArm the averaging growth the quality phase also runs the default with, every seed; 1 = none
 * @param scalingInputs a folder of round costs and images per executor count (submit/bench-scaling.sh) that
 *     the report combines with this run's fit per round into the scaling model; empty = none
 */
public record BenchConfig(String baselineBatchSizes, String threads, String batchSizes, String averagingFrequencies,
    int throughputImages, int seeds, String thresholds, String baselineLearningRates, int growthArm,
    String scalingInputs) {

  public BenchConfig {
    countList("baseline-batch-sizes", baselineBatchSizes, 1);
    countList("threads", threads, 1);
    countList("batch-sizes", batchSizes, 1);
    countList("averaging-frequencies", averagingFrequencies, 1);
    atLeast("throughput-images", throughputImages, 100);
    atLeast("seeds", seeds, 1);
    risingAccuracies("thresholds", thresholds);
    rates("baseline-learning-rates", baselineLearningRates);
    atLeast("growth-arm", growthArm, 1);
    scalingInputs = scalingInputs.trim();
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

  public List<Double> thresholdList() {
    return risingAccuracies("thresholds", thresholds);
  }

  public List<Double> baselineLearningRateList() {
    return rates("baseline-learning-rates", baselineLearningRates);
  }
}
