package org.mnistspark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scaling model's arithmetic: a round is the fit plus what Spark adds, the time is images over samples/s. */
class ScalingModelTest {

  @Test
  void predictsSamplesPerSecondAndSecondsFromRoundCostsAndImagesNeeded() {
    // stand-in 1,000 ms: rounds of 1,100 and 1,300 ms leave 100 and 300 ms to Spark
    ScalingModel m = ScalingModel.of(2000, 1024, List.of(0.99, 0.992), List.of(
        new ScalingModel.Measured(4, 1300, 1000, List.of(150_000L, 200_000L), 0.993),
        new ScalingModel.Measured(1, 1100, 1000, List.of(80_000L, 100_000L), 0.994),
        new ScalingModel.Measured(8, 900, 1000, Arrays.asList(300_000L, null), 0.990)));

    assertThat(m.points()).extracting(ScalingModel.Point::executors).containsExactly(1, 4, 8);
    ScalingModel.Point one = m.points().get(0);
    ScalingModel.Point four = m.points().get(1);
    ScalingModel.Point eight = m.points().get(2);
    assertThat(one.overheadMillis()).isCloseTo(100, within(1e-9));
    assertThat(one.samplesPerSecond()).isCloseTo(1024 / 2.1, within(1e-9));
    assertThat(one.secondsToThresholds().get(1)).isCloseTo(100_000 / (1024 / 2.1), within(1e-6));
    assertThat(four.samplesPerSecond()).isCloseTo(4 * 1024 / 2.3, within(1e-9));
    assertThat(four.efficiency(one)).isCloseTo(2.1 / 2.3, within(1e-9));
    assertThat(four.secondsToThresholds().get(0)).isCloseTo(150_000 / (4 * 1024 / 2.3), within(1e-6));
    assertThat(eight.overheadMillis()).as("a round shorter than its stand-in leaves nothing to Spark").isZero();
    assertThat(eight.secondsToThresholds().get(1)).as("never reached").isNull();

    assertThat(m.markdown()).contains("| 1 | 100 | 488 | 100% | 80,000 | 164 | 100,000 | 205 | 0.9940 |",
        "| 4 | 300 | 1,781 | 91% | 150,000 | 84 | 200,000 | 112 | 0.9930 |",
        "| 8 | 0 | 4,096 | 105% | 300,000 | 73 | not reached | - | 0.9900 |");
  }

  @Test
  void refusesAModelWithoutAFitTimeOrPoints() {
    assertThatThrownBy(() -> ScalingModel.of(0, 1024, List.of(0.99), List.of(new ScalingModel.Measured(1, 1, 1, List.of(1L), 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScalingModel.of(1000, 1024, List.of(0.99), List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
