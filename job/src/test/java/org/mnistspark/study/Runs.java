package org.mnistspark.study;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mnistspark.config.JobConfig;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.scale.Scaling;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.ValidationPoint;

/** Hand-made run records and plans for the study's tests, no Spark. */
final class Runs {
  private Runs() {}

  /** The options of a small study: 2000 images, the given epochs, local[2]. */
  static JobConfig base(int epochs) {
    return base(epochs, Map.of());
  }

  /** {@link #base(int)} with {@code more} options (keys as in reference.conf) on top. */
  static JobConfig base(int epochs, Map<String, Object> more) {
    Map<String, Object> options = new HashMap<>(Map.of("master", "local[2]", "train-limit", 2000, "epochs",
        epochs, "seed", 42));
    options.putAll(more);
    return JobConfig.load(null, options);
  }

  static StudyPlan plan(int epochs, int seeds, Scaling... scalings) {
    return new StudyPlan(base(epochs), List.of(scalings), seeds);
  }

  /**
   * A finished run of {@code run} with the given validation accuracy per epoch; the loss falls as
   * 1 - accuracy, each epoch takes {@code seconds}.
   */
  static RunRecord record(StudyPlan.Run run, double testAccuracy, double seconds, double... validation) {
    List<EpochStats> epochs = new ArrayList<>();
    List<ValidationPoint> curve = new ArrayList<>();
    for (int e = 0; e < validation.length; e++) {
      epochs.add(new EpochStats(e + 1, seconds, 1600 / seconds, 1 - validation[e], validation[e], 1600, 1 - validation[e]));
      curve.add(new ValidationPoint(e + 1, 1600L * (e + 1), seconds * (e + 1), validation[e], 1 - validation[e]));
    }
    return new RunRecord(run.scaling().label(), run.seed(), RunRecord.optionsOf(run.config()), epochs, testAccuracy,
        10_000, new RunMetrics.Scaling(run.scaling().label(), 0, 1, null, null), 1600, 400, "local[2]", 2, seconds * 3,
        "2026-01-01T00:00:00Z", curve, null, null, null, null, null);
  }

  /** {@code r} with the test images it got wrong (label 0, predicted 1) and the load it saw. */
  static RunRecord withMistakes(RunRecord r, List<Integer> wrong, double load, int cores) {
    List<List<Integer>> mistakes = wrong.stream().map(i -> List.of(i, 0, 1)).toList();
    return new RunRecord(r.scaling(), r.seed(), r.options(), r.epochs(), r.testAccuracy(), r.testExamples(), r.scaler(),
        r.trainImages(), r.validationImages(), r.master(), r.partitions(), r.wallSeconds(), r.finishedAt(), r.curve(),
        r.stoppedEarly(), r.mechanism(), mistakes, null, null).withLoad(load, cores);
  }

  /** {@code r} with probes before training and after epochs 1 and 4, conv2's dead share given for the last two. */
  static RunRecord withConv2Dead(RunRecord r, double afterEpoch1, double atEpoch4) {
    List<NetworkProbe> probes = new ArrayList<>();
    double[] dead = {0, afterEpoch1, atEpoch4};
    double[] epochs = {0, 1, 4};
    for (int i = 0; i < 3; i++) {
      probes.add(new NetworkProbe(epochs[i], (long) epochs[i] * 1600, List.of(new LayerProbe("conv1", 1, 2, 0, 1),
          new LayerProbe("conv2", 1, 2, dead[i], 1), new LayerProbe("dense", 1, 2, 0, 1))));
    }
    return new RunRecord(r.scaling(), r.seed(), r.options(), r.epochs(), r.testAccuracy(), r.testExamples(), r.scaler(),
        r.trainImages(), r.validationImages(), r.master(), r.partitions(), r.wallSeconds(), r.finishedAt(), r.curve(),
        r.stoppedEarly(), probes, r.testMistakes(), null, null);
  }

  /** The plan's run of {@code scaling} under the {@code i}-th seed (0-based). */
  static StudyPlan.Run run(StudyPlan plan, Scaling scaling, int i) {
    return plan.runs().stream().filter(r -> r.scaling() == scaling && r.seed() == plan.base().seed() + i)
        .findFirst().orElseThrow();
  }
}
