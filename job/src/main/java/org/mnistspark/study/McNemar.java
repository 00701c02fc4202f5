package org.mnistspark.study;

import java.util.Set;

/**
 * McNemar's exact test of two classifiers scored on the same images: of the images exactly one of
 * them got right, would a split this uneven be likely if each were equally likely to be either's?
 *
 * @param onlyFirstRight images the first got right and the second wrong
 * @param onlySecondRight images the second got right and the first wrong
 * @param p the two-sided exact p-value (binomial, one half, over the discordant images)
 */
public record McNemar(int onlyFirstRight, int onlySecondRight, double p) {

  public static McNemar of(int onlyFirstRight, int onlySecondRight) {
    return new McNemar(onlyFirstRight, onlySecondRight, exactP(onlyFirstRight, onlySecondRight));
  }

  /** The test of two runs from the images each got wrong. */
  public static McNemar of(Set<Integer> firstWrong, Set<Integer> secondWrong) {
    int onlyFirstRight = (int) secondWrong.stream().filter(i -> !firstWrong.contains(i)).count();
    int onlySecondRight = (int) firstWrong.stream().filter(i -> !secondWrong.contains(i)).count();
    return of(onlyFirstRight, onlySecondRight);
  }

  /**
   * Twice the binomial(n, 1/2) tail at the smaller count, at most 1. The terms are carried as
   * logarithms: 2^-n underflows a double for the thousands of discordant images of a broken run.
   */
  static double exactP(int b, int c) {
    int n = b + c;
    double logTerm = -n * Math.log(2);
    double tail = 0;
    for (int k = 0; k <= Math.min(b, c); k++) {
      tail += Math.exp(logTerm);
      logTerm += Math.log(n - k) - Math.log(k + 1);
    }
    return Math.min(1, 2 * tail);
  }
}
