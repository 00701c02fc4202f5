package org.mnistspark.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mnistspark.config.Decay;
import org.mnistspark.config.JobConfig;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.ValidationPoint;

/**
 * One finished training run of a study, as results.json stores it.
 *
 * @param options every effective option of the run except the output folder (which does not change
 *     what a run computes); a run is reused on resume only when these match
 * @param epochs what each epoch did: seconds, samples/s, train loss, validation accuracy
 * @param testAccuracy accuracy of the final network on the whole test set
 * @param scaler the fitted pixel transform; mean and std are set for standardize only
 * @param partitions RDD partitions the training data was spread over
 * @param curve every validation check: fractional epoch, images fitted, training seconds, accuracy, loss
 * @param stoppedEarly why the run ended before its last epoch (early-stop-patience...), or null
 * @param mechanism the network's insides on the probe batch before training and after some epochs
 * @param testMistakes every test image the network got wrong, as [image index in the test file,
 *     label, predicted class]; every other image was predicted as its label. Null in runs recorded
 *     before it was kept. Two runs' mistakes give the paired test of {@link McNemar}
 * @param maxLoadAverage the highest one-minute system load average seen at the end of an epoch,
 *     or null where not recorded; with {@code cores}, whether other work shared the machine
 * @param cores the processors the JVM saw, or null where not recorded
 */
public record RunRecord(
    String scaling,
    long seed,
    Map<String, Object> options,
    List<EpochStats> epochs,
    double testAccuracy,
    long testExamples,
    RunMetrics.Scaling scaler,
    int trainImages,
    int validationImages,
    String master,
    int partitions,
    double wallSeconds,
    String finishedAt,
    List<ValidationPoint> curve,
    String stoppedEarly,
    List<NetworkProbe> mechanism,
    List<List<Integer>> testMistakes,
    Double maxLoadAverage,
    Integer cores) {

  /** The record of a run from the metrics the training job returned and the test images it got wrong. */
  public static RunRecord of(StudyPlan.Run run, RunMetrics m, List<List<Integer>> testMistakes) {
    return new RunRecord(run.scaling().label(), run.seed(), optionsOf(run.config()), m.epochs(), m.test().accuracy(),
        m.test().examples(), m.scaling(), m.data().trainImages(), m.data().validationImages(), m.spark().master(),
        m.spark().partitions(), m.wallSeconds(), m.finishedAt(), m.validationCurve(), m.stoppedEarly(),
        m.mechanism(), testMistakes, null, null);
  }

  /** This record with the load seen while it trained. */
  public RunRecord withLoad(double maxLoadAverage, int cores) {
    return new RunRecord(scaling, seed, options, epochs, testAccuracy, testExamples, scaler, trainImages,
        validationImages, master, partitions, wallSeconds, finishedAt, curve, stoppedEarly, mechanism, testMistakes,
        maxLoadAverage, cores);
  }

  /** Whether other work shared the machine: a load average above its cores at some epoch's end. */
  public boolean ranOnALoadedMachine() {
    return maxLoadAverage != null && cores != null && maxLoadAverage > cores;
  }

  /** The test images this run got wrong, by index; empty when its mistakes were not recorded. */
  public java.util.Set<Integer> mistakenImages() {
    java.util.Set<Integer> out = new java.util.HashSet<>();
    if (testMistakes != null) {
      testMistakes.forEach(m -> out.add(m.get(0)));
    }
    return out;
  }

  /**
   * The options that identify a run: all effective options but the output folder, its lock wait and
   * the checkpoint settings, which study runs do not use, the learning-rate schedule's when the rate is constant
   * the averaging growth when the period is and the network variant when it is the LeNet (results.json files
   * written before they existed lack them, and their runs must still count as done).
   */
  public static Map<String, Object> optionsOf(JobConfig config) {
    Map<String, Object> m = new LinkedHashMap<>(config.asMap());
    m.remove("out");
    m.remove("checkpoint-every-epochs");
    m.remove("keep-checkpoints");
    m.remove("out-lock-wait");
    if (config.learningRateDecay() == Decay.CONSTANT && config.warmupEpochs() == 0) {
      // what every run did before the schedule existed: identified as those runs were recorded
      m.remove("learning-rate-decay");
      m.remove("final-learning-rate-fraction");
      m.remove("warmup-epochs");
    }
    if (config.averagingGrowth() == 1) {
      // a constant averaging period, as before the option existed
      m.remove("averaging-growth");
    }
    if (LeNet.LENET.equals(config.networkVariant())) {
      // runs recorded before the network variants existed trained the LeNet
      m.remove("network-variant");
    }
    return m;
  }

  /**
   * Returns whether this record is the result of {@code run}: same scaling, seed and options.
   * Options are compared as text, since a number read back from JSON may be an Integer where the
   * configuration held a Long.
   */
  public boolean isResultOf(StudyPlan.Run run) {
    return scaling.equals(run.scaling().label()) && seed == run.seed()
        && asText(options).equals(asText(optionsOf(run.config())));
  }

  private static Map<String, String> asText(Map<String, Object> options) {
    Map<String, String> m = new LinkedHashMap<>();
    options.forEach((k, v) -> m.put(k, Objects.toString(v)));
    return m;
  }

  /** Validation accuracy after each epoch, in epoch order. */
  public double[] validationAccuracy() {
    return epochs.stream().mapToDouble(EpochStats::validationAccuracy).toArray();
  }

  /** Train loss after each epoch, in epoch order. */
  public double[] trainLoss() {
    return epochs.stream().mapToDouble(EpochStats::trainLoss).toArray();
  }

  /** Validation loss after each epoch, in epoch order; NaN where the trainer did not measure it. */
  public double[] validationLoss() {
    return epochs.stream().mapToDouble(e -> e.validationLoss() == null ? Double.NaN : e.validationLoss()).toArray();
  }

  /** Mean wall seconds of this run's epochs (training only, validation excluded). */
  public double meanSecondsPerEpoch() {
    return epochs.stream().mapToDouble(EpochStats::seconds).average().orElse(Double.NaN);
  }

  public double meanSamplesPerSecond() {
    return epochs.stream().mapToDouble(EpochStats::samplesPerSecond).average().orElse(Double.NaN);
  }
}
