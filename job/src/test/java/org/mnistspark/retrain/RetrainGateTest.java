package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnistspark.retrain.RetrainGate.Verdict.KEEP;
import static org.mnistspark.retrain.RetrainGate.Verdict.PROMOTE;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.mnistspark.retrain.RetrainGate.Decision;
import org.mnistspark.retrain.RetrainGate.Thresholds;
import org.mnistspark.retrain.RetrainGate.Verdict;

class RetrainGateTest {
  private static final OptionalDouble NO_PRODUCTION = OptionalDouble.empty();

  /** One row: production's and the candidate's accuracy, the thresholds, and the expected outcome. */
  private record Case(String name, OptionalDouble production, double candidate, double tolerance, double floor,
      Verdict expected, String reason) {}

  private static OptionalDouble production(double p) {
    return OptionalDouble.of(p);
  }

  private static final List<Case> CASES = List.of(
      new Case("first run above the floor", NO_PRODUCTION, 0.97, 0.005, 0.95, PROMOTE,
          "no usable production model; candidate accuracy 0.9700 meets the floor 0.9500"),
      new Case("first run exactly at the floor", NO_PRODUCTION, 0.95, 0.005, 0.95, PROMOTE,
          "no usable production model; candidate accuracy 0.9500 meets the floor 0.9500"),
      new Case("first run below the floor", NO_PRODUCTION, 0.9499, 0.005, 0.95, KEEP,
          "no usable production model; candidate accuracy 0.9499 is below the floor 0.9500"),
      new Case("better than production", production(0.97), 0.98, 0.005, 0.95, PROMOTE,
          "candidate accuracy 0.9800 meets production's 0.9700 minus tolerance 0.0050 (0.9650) and the floor 0.9500"),
      new Case("slightly worse, within tolerance", production(0.98), 0.976, 0.005, 0.95, PROMOTE,
          "candidate accuracy 0.9760 meets production's 0.9800 minus tolerance 0.0050 (0.9750) and the floor 0.9500"),
      new Case("exactly at production minus tolerance", production(0.975), 0.97, 0.005, 0.95, PROMOTE,
          "candidate accuracy 0.9700 meets production's 0.9750 minus tolerance 0.0050 (0.9700) and the floor 0.9500"),
      // 0.9 - 0.0025 is 0.8975000000000001 in binary, above 0.8975: the tie must still promote
      new Case("a tie that binary rounding would break", production(0.9), 0.8975, 0.0025, 0.5, PROMOTE,
          "candidate accuracy 0.8975 meets production's 0.9000 minus tolerance 0.0025 (0.8975) and the floor 0.5000"),
      new Case("one test image under the bar", production(0.975), 0.9699, 0.005, 0.95, KEEP,
          "candidate accuracy 0.9699 is below production's 0.9750 minus tolerance 0.0050 (0.9700)"),
      new Case("zero tolerance, equal accuracy", production(0.98), 0.98, 0, 0.95, PROMOTE,
          "candidate accuracy 0.9800 meets production's 0.9800 minus tolerance 0.0000 (0.9800) and the floor 0.9500"),
      new Case("zero tolerance, one image worse", production(0.98), 0.9799, 0, 0.95, KEEP,
          "candidate accuracy 0.9799 is below production's 0.9800 minus tolerance 0.0000 (0.9800)"),
      new Case("beats a weak production but not the floor", production(0.90), 0.93, 0.005, 0.95, KEEP,
          "candidate accuracy 0.9300 is below the floor 0.9500"),
      new Case("misses both bars", production(0.99), 0.80, 0.005, 0.95, KEEP,
          "candidate accuracy 0.8000 is below production's 0.9900 minus tolerance 0.0050 (0.9850) and below the floor 0.9500"),
      new Case("floor 0 and a large tolerance", production(0.99), 0.5, 0.6, 0, PROMOTE,
          "candidate accuracy 0.5000 meets production's 0.9900 minus tolerance 0.6000 (0.3900) and the floor 0.0000"),
      new Case("floor 1 refuses all but perfection", NO_PRODUCTION, 0.9999, 0.005, 1, KEEP,
          "no usable production model; candidate accuracy 0.9999 is below the floor 1.0000"));

  @Test
  void table() {
    for (Case c : CASES) {
      check(c);
    }
  }

  private static void check(Case c) {
    Decision d = RetrainGate.decide(c.production(), c.candidate(), new Thresholds(c.tolerance(), c.floor()));
    assertThat(d.verdict()).as(c.name()).isEqualTo(c.expected());
    assertThat(d.promote()).as(c.name()).isEqualTo(c.expected() == PROMOTE);
    assertThat(d.reason()).as(c.name()).isEqualTo(c.reason());
  }

  @Test
  void thresholdsOutOfRange() {
    assertThatThrownBy(() -> new Thresholds(1, 0.9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tolerance must lie in [0, 1), got 1.0");
    assertThatThrownBy(() -> new Thresholds(-0.01, 0.9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tolerance must lie in [0, 1), got -0.01");
    assertThatThrownBy(() -> new Thresholds(0, 1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("floor must lie in [0, 1], got 1.5");
    assertThatThrownBy(() -> new Thresholds(Double.NaN, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accuraciesOutOfRange() {
    Thresholds t = new Thresholds(0.005, 0.95);
    assertThatThrownBy(() -> RetrainGate.decide(NO_PRODUCTION, 1.2, t)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("candidate accuracy must lie in [0, 1], got 1.2");
    assertThatThrownBy(() -> RetrainGate.decide(production(Double.NaN), 0.9, t))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("production accuracy must lie in [0, 1], got NaN");
  }
}
