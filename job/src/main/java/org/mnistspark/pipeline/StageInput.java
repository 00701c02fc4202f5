package org.mnistspark.pipeline;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.ImageTable;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.Sharder;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.DistributedTest;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * What the stages after load need from the data, wherever it is: IDX files parsed into the
 * driver's memory, or tables that only the executors read.
 */
public interface StageInput {
  /** The inputs' identity for metrics.json and checkpoints. */
  List<MnistData.InputFile> files();

  /** Stage 2, shard: hold out the last part of the training images, spread both parts as compact records. */
  Sharder.Shards shard(JavaSparkContext sc, JobConfig config);

  int testCount();

  /** The network's evaluation on every test image. */
  Evaluation evaluateTest(JavaSparkContext sc, MultiLayerNetwork network, PixelScaler scaler, JobConfig config);

  static StageInput of(MnistData data) {
    return new StageInput() {
      @Override
      public List<MnistData.InputFile> files() {
        return data.files();
      }

      @Override
      public Sharder.Shards shard(JavaSparkContext sc, JobConfig config) {
        return new Sharder(sc, config.partitions()).shard(data.train(), config.trainLimit(), config.validationFraction());
      }

      @Override
      public int testCount() {
        return data.test().size();
      }

      @Override
      public Evaluation evaluateTest(JavaSparkContext sc, MultiLayerNetwork network, PixelScaler scaler, JobConfig config) {
        return Evaluator.evaluate(network, new MinibatchAssembler(scaler, config.evalBatchSize()).assemble(data.test()));
      }
    };
  }

  /**
   * Checked training and test tables (their row counts already taken on the executors).
   *
   * @param files both tables' data files, training table first
   */
  record Tables(ImageTable train, int trainRows, ImageTable test, int testRows, List<MnistData.InputFile> files)
      implements StageInput {
    @Override
    public Sharder.Shards shard(JavaSparkContext sc, JobConfig config) {
      return new Sharder(sc, config.partitions()).shard(train.records(), trainRows, config.trainLimit(),
          config.validationFraction());
    }

    @Override
    public int testCount() {
      return testRows;
    }

    @Override
    public Evaluation evaluateTest(JavaSparkContext sc, MultiLayerNetwork network, PixelScaler scaler, JobConfig config) {
      return DistributedTest.evaluate(sc, network, test.records(), scaler, config.evalBatchSize());
    }
  }
}
