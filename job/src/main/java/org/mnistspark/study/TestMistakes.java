package org.mnistspark.study;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;

/**
 * The test images a trained network gets wrong, one [index, label, predicted] each: with the test
 * file, every prediction of the run, small enough for results.json, and what McNemar's test
 * compares between two runs image by image.
 */
final class TestMistakes {
  private TestMistakes() {}

  static List<List<Integer>> of(MultiLayerNetwork net, PixelScaler scaler, LabeledImages test, int batchSize) {
    MinibatchAssembler assembler = new MinibatchAssembler(scaler, batchSize);
    List<List<Integer>> out = new ArrayList<>();
    for (int from = 0; from < test.size(); from += batchSize) {
      List<LabeledImage> batch = test.range(from, Math.min(test.size(), from + batchSize));
      int[] predicted = net.predict(assembler.batch(batch).getFeatures());
      for (int i = 0; i < predicted.length; i++) {
        int label = batch.get(i).label();
        if (predicted[i] != label) {
          out.add(List.of(from + i, label, predicted[i]));
        }
      }
    }
    return out;
  }
}
