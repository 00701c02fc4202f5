package org.mnistspark.output;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.scale.MinibatchAssembler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

/** Evaluates a stored model as a user would: raw 0..255 pixels through the normalizer stored with it, in this JVM. */
public final class StoredModelCheck {
  private StoredModelCheck() {}

  /** DL4J's evaluation of {@code model} on {@code test}, fed in minibatches of {@code batchSize} raw images. */
  public static Evaluation evaluate(ModelStore.Loaded model, LabeledImages test, int batchSize) {
    List<DataSet> raw = new MinibatchAssembler(Evaluator.RAW, batchSize).assemble(test);
    var it = new ListDataSetIterator<>(raw, 1);
    it.setPreProcessor((DataSetPreProcessor) model.normalizer());
    return model.network().evaluate(it);
  }
}
