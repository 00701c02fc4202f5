package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnistspark.JobConfig;

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
}
