package org.mnistspark.use;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.scale.MinibatchAssembler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * Scores images on the executors: each partition borrows its executor's loaded model, scores its
 * images a minibatch at a time and sends back its part file's text, which the driver writes. So
 * the driver holds the whole output once (about 180 bytes per image as CSV, where the source path
 * repeats on every line), bounded by spark.driver.maxResultSize (1 GB by default: some 5 million
 * images per run).
 */
final class DistributedPrediction {
  private DistributedPrediction() {}

  /** One output per partition, in partition order. */
  static List<PartitionOutput> predict(JavaSparkContext sc, StoredModel model, PredictionInput input, int partitions,
      int batchSize, PredictionFormat format) {
    Broadcast<byte[]> zip = sc.broadcast(model.zip());
    try (PredictionInput.Spread spread = input.spread(sc, partitions)) {
      sc.setJobDescription("predict " + input.count() + " images of " + input.location() + " with " + model.path());
      return spread.images()
          .mapPartitionsWithIndex(new ScorePartition(model.sha256(), zip, batchSize, format, input.idColumn()), true)
          .collect();
    } finally {
      zip.destroy(false);
    }
  }

  /** Scores one partition with the executor's copy of the model. */
  static final class ScorePartition implements Function2<Integer, Iterator<ImageToScore>, Iterator<PartitionOutput>> {
    private static final long serialVersionUID = 1L;
    private final String sha256;
    private final Broadcast<byte[]> zip;
    private final int batchSize;
    private final PredictionFormat format;
    private final String idColumn;

    ScorePartition(String sha256, Broadcast<byte[]> zip, int batchSize, PredictionFormat format, String idColumn) {
      this.sha256 = sha256;
      this.zip = zip;
      this.batchSize = batchSize;
      this.format = format;
      this.idColumn = idColumn;
    }

    @Override
    public Iterator<PartitionOutput> call(Integer partition, Iterator<ImageToScore> images) {
      StringBuilder text = new StringBuilder(format.header(idColumn));
      PartitionOutput out = images.hasNext()
          ? ExecutorModels.with(sha256, zip, m -> score(partition, m, images, text))
          : PartitionOutput.scored(partition, 0, bytes(text));
      return List.of(out).iterator();
    }

    private PartitionOutput score(int partition, ModelStore.Loaded model, Iterator<ImageToScore> images,
        StringBuilder text) {
      List<ImageToScore> pending = new ArrayList<>(batchSize);
      int scored = 0;
      while (images.hasNext()) {
        ImageToScore image = images.next();
        if (image.problem != null) {
          // the first bad file fails the run; scoring the rest would be wasted
          return PartitionOutput.refused(partition, image);
        }
        pending.add(image);
        if (pending.size() == batchSize || !images.hasNext()) {
          write(pending, probabilities(model, pending), text);
          scored += pending.size();
          pending.clear();
        }
      }
      return PartitionOutput.scored(partition, scored, bytes(text));
    }

    /** Raw pixels through the model's stored scaler and the network: [n, 10] class probabilities. */
    private float[][] probabilities(ModelStore.Loaded model, List<ImageToScore> batch) {
      INDArray features = new MinibatchAssembler(Evaluator.RAW, batchSize)
          .features(batch.stream().map(i -> i.pixels).toList());
      if (model.normalizer() instanceof DataNormalization n) {
        n.transform(features);
      }
      MultiLayerNetwork net = model.network();
      return net.output(features).toFloatMatrix();
    }

    private void write(List<ImageToScore> batch, float[][] probabilities, StringBuilder text) {
      for (int i = 0; i < batch.size(); i++) {
        text.append(format.line(batch.get(i), argmax(probabilities[i]), probabilities[i]));
      }
    }

    private static int argmax(float[] p) {
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      return best;
    }

    private static byte[] bytes(StringBuilder text) {
      return text.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
