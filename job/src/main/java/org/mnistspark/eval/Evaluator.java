package org.mnistspark.eval;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.train.MinibatchAssembler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/** Evaluates a trained network on the driver, over the whole test set. */
public final class Evaluator {
  private Evaluator() {}

  /** DL4J's evaluation of {@code net} on ready, scaled minibatches (the human-readable stats come from it). */
  public static Evaluation evaluate(MultiLayerNetwork net, List<DataSet> testBatches) {
    // 1: each list element is already a whole minibatch
    return net.evaluate(new ListDataSetIterator<>(testBatches, 1));
  }

  public static TestMetrics metrics(Evaluation eval) {
    return TestMetrics.of(eval, MinibatchAssembler.CLASSES);
  }
}
