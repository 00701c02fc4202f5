package org.mnistspark.train;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Validation on the executors: accuracy and mean cross-entropy of the averaged parameters on one partition. */
final class ValidateRound implements Function2<Integer, Iterator<LabeledImage>, Iterator<ValidateRound.Scores>> {
  private static final long serialVersionUID = 1L;
  private final String runId;
  private final String configurationJson;
  private final Broadcast<ModelState> state;
  private final MinibatchAssembler assembler;

  ValidateRound(String runId, String configurationJson, Broadcast<ModelState> state, MinibatchAssembler assembler) {
    this.runId = runId;
    this.configurationJson = configurationJson;
    this.state = state;
    this.assembler = assembler;
  }

  /** Summed over partitions; a plain class because Spark's Kryo cannot rebuild records. */
  static final class Scores implements Serializable {
    private static final long serialVersionUID = 1L;
    Evaluation evaluation = new Evaluation(MinibatchAssembler.CLASSES);
    double lossSum;
    long images;

    Scores add(Scores o) {
      evaluation.merge(o.evaluation);
      lossSum += o.lossSum;
      images += o.images;
      return this;
    }

    double meanLoss() {
      return lossSum / images;
    }
  }

  @Override
  public Iterator<Scores> call(Integer partition, Iterator<LabeledImage> records) {
    List<LabeledImage> images = FitRound.drain(records);
    if (images.isEmpty()) {
      return List.of(new Scores()).iterator();
    }
    // the training network of this partition: the next round overwrites its whole state anyway
    MultiLayerNetwork net = ResidentNetworks.get(runId, partition, configurationJson);
    state.value().applyParamsTo(net);
    return List.of(score(net, assembler.assemble(images))).iterator();
  }

  /** Accuracy and summed cross-entropy of {@code net} on ready minibatches. */
  static Scores score(MultiLayerNetwork net, List<DataSet> batches) {
    Scores scores = new Scores();
    for (DataSet batch : batches) {
      INDArray probabilities = net.output(batch.getFeatures(), false);
      scores.evaluation.eval(batch.getLabels(), probabilities);
      scores.lossSum += crossEntropySum(probabilities.toFloatMatrix(), batch.getLabels().toFloatMatrix());
      scores.images += batch.numExamples();
    }
    return scores;
  }

  /** Sum over rows of -ln p(true class), with p floored as Keras does so one certain mistake stays finite. */
  static double crossEntropySum(float[][] probabilities, float[][] oneHot) {
    double sum = 0;
    for (int i = 0; i < probabilities.length; i++) {
      for (int c = 0; c < oneHot[i].length; c++) {
        if (oneHot[i][c] > 0) {
          sum -= Math.log(Math.max(probabilities[i][c], 1e-7));
        }
      }
    }
    return sum;
  }
}
