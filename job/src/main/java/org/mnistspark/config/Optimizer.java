package org.mnistspark.config;

import java.util.function.Function;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/** The {@code optimizer} setting: how each step turns gradients into updates. */
public enum Optimizer {
  /** Adam with DL4J's default betas and epsilon. */
  ADAM(Adam::new),
  /** Plain stochastic gradient descent, no momentum. */
  SGD(Sgd::new);

  private final Function<ISchedule, IUpdater> updater;

  Optimizer(Function<ISchedule, IUpdater> updater) {
    this.updater = updater;
  }

  /** DL4J's updater for this optimizer, its learning rate following {@code learningRate}. */
  public IUpdater updater(ISchedule learningRate) {
    return updater.apply(learningRate);
  }

  /** The name in settings and outputs. */
  public String label() {
    return SettingsRecords.label(this);
  }

  /**
   * The optimizer named {@code name}, in any case.
   *
   * @throws IllegalArgumentException naming the allowed names if there is none
   */
  public static Optimizer parse(String name) {
    return SettingsRecords.parse(Optimizer.class, name);
  }
}
