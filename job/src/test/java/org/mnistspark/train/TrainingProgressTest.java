package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.JobConfig;

class TrainingProgressTest {
  private static TrainingProgress progress(int patience) {
    JobConfig config = JobConfig.load(null, Map.of("early-stop-patience", patience, "epochs", 16,
        "keep-best-validation", false));
    return new TrainingProgress(config, 100, (stats, epochs) -> {});
  }

  @Test
  void earlyStopWaitsPatienceEpochsAfterTheBestEpochEndCheck() {
    TrainingProgress p = progress(2);
    // epoch-end accuracies 0.90, 0.95, 0.94, 0.95 (not better: ties do not count), with a higher check inside epoch 3
    assertThat(p.validated(1, 0.90, 0.3, () -> null)).isFalse();
    assertThat(p.validated(2, 0.95, 0.2, () -> null)).isFalse();
    assertThat(p.validated(2.5, 0.99, 0.1, () -> null)).as("checks inside an epoch do not count").isFalse();
    assertThat(p.validated(3, 0.94, 0.2, () -> null)).isFalse();
    assertThat(p.validated(4, 0.95, 0.2, () -> null)).isTrue();
    assertThat(p.stoppedEarly()).isEqualTo("no validation improvement for 2 epochs at epoch 4 (early-stop-patience; "
        + "best 0.9500 at epoch 2)");
  }

  @Test
  void anImprovementResetsThePatienceAndZeroTurnsItOff() {
    TrainingProgress p = progress(2);
    assertThat(p.validated(1, 0.90, null, () -> null)).isFalse();
    assertThat(p.validated(2, 0.89, null, () -> null)).isFalse();
    assertThat(p.validated(3, 0.91, null, () -> null)).isFalse();
    assertThat(p.validated(4, 0.90, null, () -> null)).isFalse();
    assertThat(p.validated(5, 0.90, null, () -> null)).isTrue();

    TrainingProgress off = progress(0);
    for (int e = 1; e <= 16; e++) {
      assertThat(off.validated(e, 0.5, null, () -> null)).isFalse();
    }
    assertThat(off.stoppedEarly()).isNull();
  }

  @Test
  void progressInsideAnEpochEveryTenPercentButNotMoreOftenThanEvery15Seconds() {
    long[] now = {0};
    JobConfig config = JobConfig.load(null, Map.of("epochs", 2));
    TrainingProgress p = new TrainingProgress(config, 100, (stats, epochs) -> {}, () -> now[0]);
    long second = 1_000_000_000L;
    now[0] = 10 * second;
    assertThat(p.stepDone(1, 20, 100, "averaging rounds", 2000, 10)).as("20% but only 10 s").isNull();
    now[0] = 16 * second;
    assertThat(p.stepDone(1, 25, 100, "averaging rounds", 2500, 16)).isEqualTo("epoch 1/2: 25 of 100 averaging rounds "
        + "(25%), 156 samples/s, ETA 48 s for the epoch, 112 s for the run");
    now[0] = 40 * second;
    assertThat(p.stepDone(1, 30, 100, "averaging rounds", 3000, 40)).as("24 s later but only 5% further").isNull();
    now[0] = 41 * second;
    assertThat(p.stepDone(1, 35, 100, "averaging rounds", 3500, 41)).startsWith("epoch 1/2: 35 of 100");
    assertThat(p.stepDone(1, 100, 100, "averaging rounds", 10000, 90)).as("the epoch line says the rest").isNull();
  }
}
