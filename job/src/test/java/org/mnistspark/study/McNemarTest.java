package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Set;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class McNemarTest {

  @Test
  void aKnownTableGivesItsExactPValue() {
    // 1 image only the first got right, 9 only the second: 2 x P(X <= 1), X ~ Bin(10, 1/2) = 2 x 11/1024
    McNemar t = McNemar.of(1, 9);
    assertThat(t.p()).isCloseTo(22.0 / 1024, within(1e-12));
    assertThat(McNemar.of(9, 1).p()).isEqualTo(t.p());
  }

  @Test
  void anEvenSplitOrNoDisagreementIsNoEvidence() {
    assertThat(McNemar.of(0, 0).p()).isEqualTo(1.0);
    assertThat(McNemar.of(40, 40).p()).isEqualTo(1.0);
  }

  @Test
  void largeCountsMatchTheBinomialTailAndDoNotUnderflow() {
    for (int[] bc : new int[][] {{100, 150}, {61, 98}, {4000, 4400}, {5, 8900}}) {
      int n = bc[0] + bc[1];
      double expected = Math.min(1, 2 * new BinomialDistribution(null, n, 0.5).cumulativeProbability(Math.min(bc[0], bc[1])));
      assertThat(McNemar.exactP(bc[0], bc[1])).as(bc[0] + " vs " + bc[1]).isCloseTo(expected, within(1e-9 + 1e-6 * expected));
    }
    assertThat(McNemar.exactP(4000, 4400)).isPositive();
  }

  @Test
  void countsComeFromTheImagesEachRunGotWrong() {
    // image 1: both wrong; 2, 3: only the first wrong; 4: only the second wrong
    McNemar t = McNemar.of(Set.of(1, 2, 3), Set.of(1, 4));
    assertThat(t.onlyFirstRight()).isEqualTo(1);
    assertThat(t.onlySecondRight()).isEqualTo(2);
    assertThat(t.p()).isEqualTo(1.0);
  }
}
