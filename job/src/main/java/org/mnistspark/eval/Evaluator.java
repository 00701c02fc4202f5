package org.mnistspark.eval;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/** Evaluates a trained network on the driver, over the whole test set. */
public final class Evaluator {
  /** Raw 0..255 pixels: a saved model scales them itself, with the normalizer stored beside it. */
  public static final PixelScaler RAW = PixelScaler.none();

  private Evaluator() {}

  /** DL4J's evaluation of {@code net} on ready, scaled minibatches (the human-readable stats come from it). */
  public static Evaluation evaluate(MultiLayerNetwork net, List<DataSet> testBatches) {
    // 1: each list element is already a whole minibatch
    return net.evaluate(new ListDataSetIterator<>(testBatches, 1));
  }

  /**
   * The evaluation of a saved model on raw images, each minibatch scaled by the model's stored
   * {@code normalizer} (null: none), as a user of model.zip scales them. Streams: only one
   * minibatch is held at a time, so a large partition of an executor fits in memory.
   *
   * @return null when {@code images} is empty
   */
  public static Evaluation evaluateRaw(MultiLayerNetwork net, DataNormalization normalizer, Iterator<LabeledImage> images,
      int batchSize) {
    MinibatchAssembler raw = new MinibatchAssembler(RAW, batchSize);
    Evaluation total = null;
    List<LabeledImage> pending = new ArrayList<>(batchSize);
    while (images.hasNext()) {
      pending.add(images.next());
      if (pending.size() == batchSize || !images.hasNext()) {
        DataSet batch = raw.batch(pending);
        if (normalizer != null) {
          normalizer.transform(batch);
        }
        // merging counts is exact, so the sum over batches equals one evaluation over all of them
        Evaluation e = evaluate(net, List.of(batch));
        if (total == null) {
          total = e;
        } else {
          total.merge(e);
        }
        pending.clear();
      }
    }
    return total;
  }

  public static TestMetrics metrics(Evaluation eval) {
    return TestMetrics.of(eval, MinibatchAssembler.CLASSES);
  }
}
