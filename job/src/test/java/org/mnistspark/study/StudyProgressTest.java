package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.mnistspark.report.Format;

class StudyProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void etaIsTheMeanTimePerEpochSoFarTimesTheEpochsLeft() {
    StudyProgress p = new StudyProgress(9, 3, 2, 100 * SECOND);
    assertThat(p.epochDone(110 * SECOND)).isCloseTo(10.0 * 5, within(1e-9));
    assertThat(p.epochDone(130 * SECOND)).isCloseTo(15.0 * 4, within(1e-9));
    p.epochDone(140 * SECOND);
    p.epochDone(150 * SECOND);
    p.epochDone(160 * SECOND);
    assertThat(p.epochDone(172 * SECOND)).isZero();
  }

  @Test
  void durationsReadAsSecondsMinutesOrHours() {
    String[][] cases = {{"0", "0 s"}, {"44.6", "45 s"}, {"59.4", "59 s"}, {"60", "1 min 00 s"}, {"725", "12 min 05 s"},
        {"3599", "59 min 59 s"}, {"3600", "1 h 00 min"}, {"7320", "2 h 02 min"}, {"-3", "0 s"}};
    for (String[] c : cases) {
      assertThat(Format.duration(Double.parseDouble(c[0]))).as(c[0]).isEqualTo(c[1]);
    }
  }
}
