package org.mnistspark.eval;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * Test-set results, immutable.
 *
 * @param precision macro-averaged over the ten classes; likewise recall and f1
 * @param confusionMatrix 10x10, rows are the true class, columns the predicted one
 */
public record TestMetrics(
    long examples,
    double accuracy,
    double precision,
    double recall,
    double f1,
    List<ClassMetrics> perClass,
    long[][] confusionMatrix) {

  public record ClassMetrics(int label, double precision, double recall, double f1) {}

  /**
   * Returns the metrics DL4J's evaluation gathered.
   *
   * @throws IllegalArgumentException if the evaluation saw no examples
   */
  public static TestMetrics of(Evaluation eval, int classes) {
    if (eval.getNumRowCounter() == 0) {
      throw new IllegalArgumentException("the test set is empty");
    }
    List<ClassMetrics> perClass = new ArrayList<>();
    long[][] cm = new long[classes][classes];
    for (int t = 0; t < classes; t++) {
      perClass.add(new ClassMetrics(t, eval.precision(t), eval.recall(t), eval.f1(t)));
      for (int p = 0; p < classes; p++) {
        cm[t][p] = eval.getConfusionMatrix().getCount(t, p);
      }
    }
    return new TestMetrics(
        eval.getNumRowCounter(), eval.accuracy(), eval.precision(), eval.recall(), eval.f1(), List.copyOf(perClass), cm);
  }

  @Override
  public String toString() {
    return String.format("TestMetrics{examples=%d, accuracy=%.4f, precision=%.4f, recall=%.4f, f1=%.4f}",
        examples, accuracy, precision, recall, f1);
  }
}
