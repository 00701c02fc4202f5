package org.mnistspark.train;

import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * A network's evaluation on records that stay on the executors (a test table): each partition is
 * scored by a network built there from the broadcast parameters, as validation is during training,
 * and the counts are merged, which is exact.
 */
public final class DistributedTest {
  private DistributedTest() {}

  public static Evaluation evaluate(JavaSparkContext sc, MultiLayerNetwork network, JavaRDD<LabeledImage> records,
      PixelScaler scaler, int batchSize) {
    String runId = UUID.randomUUID().toString();
    Broadcast<ModelState> state = sc.broadcast(ModelState.of(network));
    ValidateRound score = new ValidateRound(runId, network.getLayerWiseConfigurations().toJson(), state,
        new MinibatchAssembler(scaler, batchSize));
    try {
      sc.setJobDescription("test evaluation");
      // the scores are computed within the call, so the task can drop its network right after
      return records.mapPartitionsWithIndex((Integer p, java.util.Iterator<LabeledImage> it) -> {
        try {
          return score.call(p, it);
        } finally {
          ResidentNetworks.release(runId);
        }
      }, true).treeReduce(ValidateRound.Scores::add).evaluation;
    } finally {
      sc.setJobDescription(null);
      state.destroy(false);
    }
  }
}
