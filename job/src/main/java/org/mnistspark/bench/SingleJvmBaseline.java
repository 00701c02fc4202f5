package org.mnistspark.bench;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.JobConfig;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.MinibatchAssembler;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The yardstick: the same LeNet, seed and minibatches trained by a plain
 * {@code MultiLayerNetwork.fit} in this JVM, without Spark.
 */
final class SingleJvmBaseline {
  private SingleJvmBaseline() {}

  /**
   * Trains for {@code config.epochs()} on the first {@code trainCount} images of {@code train}
   * with {@code threads} native threads and returns what it measured.
   */
  static BenchResults.Run run(JobConfig config, int threads, LabeledImages train, int trainCount, LabeledImages test) {
    Nd4j.getEnvironment().setMaxThreads(threads);
    PixelScaler scaler = new PixelScaler(config.scaling(), 0, 255);
    MinibatchAssembler assembler = new MinibatchAssembler(scaler, config.batchSizePerWorker());
    List<DataSet> batches = assembler.assemble(train.head(trainCount));
    PeakMemory.reset();
    MultiLayerNetwork net = new MultiLayerNetwork(LeNet.configuration(config.seed(), config.learningRate()));
    net.init();
    List<Double> seconds = new ArrayList<>();
    for (int e = 0; e < config.epochs(); e++) {
      long start = System.nanoTime();
      net.fit(new ListDataSetIterator<>(batches, 1));
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    double accuracy = Evaluator.evaluate(net, new MinibatchAssembler(scaler, config.evalBatchSize()).assemble(test)).accuracy();
    return BenchResults.Run.of("baseline", config.batchSizePerWorker(), 0, threads, trainCount, seconds, accuracy,
        PeakMemory.peakMiB(), null);
  }
}
