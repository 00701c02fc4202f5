package org.mnistspark.use;

import java.util.List;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.scale.MinibatchAssembler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/** A loaded model's class probabilities for raw images: its stored scaler, then the network. */
public final class ModelScores {
  private ModelScores() {}

  /** [n, 10] class probabilities of {@code pixels} (raw 0..255 bytes, 784 each). */
  public static float[][] probabilities(ModelStore.Loaded model, List<byte[]> pixels) {
    INDArray features = new MinibatchAssembler(Evaluator.RAW, pixels.size()).features(pixels);
    if (model.normalizer() instanceof DataNormalization n) {
      n.transform(features);
    }
    return model.network().output(features).toFloatMatrix();
  }

  /** The most probable class. */
  public static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }
}
