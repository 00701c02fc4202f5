package org.mnistspark.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of a chaos run and when each strikes, all drawn from one seed, so that a run can be
 * repeated: every allowed kind once (as far as the runs go), the rest at random, in random order.
 */
public final class FaultPlan {
  /** Training rounds per epoch at {@link ChaosRun#TRAINING}'s size: 1600 images, 2 workers x 10 minibatches of 16. */
  static final int ROUNDS = 5;

  /**
   * One run and its fault.
   *
   * @param retrain whether the run is a retrain (else a train run)
   * @param epoch the epoch (1 or 2) in whose averaging round {@code round} the fault strikes
   * @param delayMillis a further delay: after the trigger, or between two runs' starts
   * @param victim which of two (worker 1 or 2)
   * @param leaveMegabytes how much of the disk stays free when it fills up
   * @param seed the retrain's --seed, so candidates differ and the gate both promotes and keeps
   */
  public record Step(int number, Fault fault, boolean retrain, int epoch, int round, long delayMillis, int victim,
      int leaveMegabytes, long seed) {
    String when() {
      return switch (fault) {
        case DRIVER -> "epoch-1 checkpoint + " + delayMillis + " ms";
        case CORRUPT_CHECKPOINT -> "as epoch-2 checkpoint appears";
        case TWO_RUNS -> "second started " + delayMillis + " ms after the first";
        case DISK_FULL -> "epoch " + epoch + " round " + round + "/" + ROUNDS + ", " + leaveMegabytes + " MB left";
        default -> "epoch " + epoch + " round " + round + "/" + ROUNDS;
      };
    }
  }

  private FaultPlan() {}

  static List<Step> draw(long seed, int runs, List<Fault> allowed) {
    Random random = new Random(seed);
    List<Fault> kinds = new ArrayList<>(allowed);
    Collections.shuffle(kinds, random);
    List<Fault> faults = new ArrayList<>(kinds.subList(0, Math.min(runs, kinds.size())));
    while (faults.size() < runs) {
      faults.add(allowed.get(random.nextInt(allowed.size())));
    }
    Collections.shuffle(faults, random);
    List<Step> steps = new ArrayList<>();
    for (Fault f : faults) {
      steps.add(new Step(steps.size() + 1, f, f.retrainToo && random.nextBoolean(), 1 + random.nextInt(2),
          1 + random.nextInt(ROUNDS - 1), random.nextInt(f == Fault.TWO_RUNS ? 3000 : 8000), 1 + random.nextInt(2),
          random.nextBoolean() ? 0 : 20, 1 + random.nextInt(1000)));
    }
    return steps;
  }
}
