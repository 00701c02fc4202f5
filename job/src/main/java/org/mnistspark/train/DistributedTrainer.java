package org.mnistspark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.mnistspark.JobConfig;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the LeNet with DL4J's synchronous parameter averaging: each worker fits
 * {@code averaging-frequency} minibatches, then the driver averages parameters and Adam's state.
 */
public final class DistributedTrainer {
  private static final Logger log = LoggerFactory.getLogger(DistributedTrainer.class);

  /** Told after each epoch; lets a caller (the study) report its own progress. */
  public interface EpochListener {
    void epochDone(EpochStats stats, int epochs);
  }

  /**
   * The trained network and what each epoch did.
   *
   * @param phases DL4J's timings per phase of parameter averaging, summed over the run; empty
   *     unless collect-training-stats is on
   */
  public record Result(MultiLayerNetwork network, List<EpochStats> epochs, Map<String, PhaseTime> phases) {}

  /** How often a phase ran and its total wall time in milliseconds (summed over workers for worker phases). */
  public record PhaseTime(int count, long totalMillis) {}

  private final JavaSparkContext sc;
  private final JobConfig config;

  public DistributedTrainer(JavaSparkContext sc, JobConfig config) {
    this.sc = sc;
    this.config = config;
  }

  /**
   * Returns the network after {@code config.epochs()} passes over {@code train}, validating on
   * {@code validation} after each.
   *
   * @param trainCount images in {@code train}, for samples/s
   */
  public Result train(JavaRDD<DataSet> train, long trainCount, JavaRDD<DataSet> validation, EpochListener listener) {
    MultiLayerNetwork net = new MultiLayerNetwork(LeNet.configuration(config.seed(), config.learningRate()));
    net.init();
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, trainingMaster(config));
    if (config.collectTrainingStats()) {
      // DL4J's default time source asks pool.ntp.org, which fails where the cluster is offline
      System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
      spark.setCollectTrainingStats(true);
    }
    // The validation batches are reused every epoch; the training RDD is persisted by DL4J itself.
    // Any storage level is safe since SparkSetup registers DetachedNd4jRegistrator (with ND4J's own
    // serializer, MEMORY_ONLY_SER batches were read into a reused workspace: 0.91 instead of 0.976;
    // docs/serialized-cache.md); deserialized is simply the fastest for batches read every epoch.
    validation.persist(StorageLevel.MEMORY_ONLY());
    List<EpochStats> epochs = new ArrayList<>();
    try {
      for (int e = 1; e <= config.epochs(); e++) {
        long start = System.nanoTime();
        spark.fit(train);
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval = spark.evaluate(validation);
        EpochStats stats = new EpochStats(e, seconds, trainCount / seconds, spark.getScore(), eval.accuracy());
        epochs.add(stats);
        logProgress(stats, epochs);
        listener.epochDone(stats, config.epochs());
      }
    } finally {
      validation.unpersist();
      train.unpersist();
      spark.getTrainingMaster().deleteTempFiles(sc);
    }
    return new Result(spark.getNetwork(), List.copyOf(epochs),
        config.collectTrainingStats() ? phases(spark.getSparkTrainingStats()) : Map.of());
  }

  private static Map<String, PhaseTime> phases(SparkTrainingStats stats) {
    Map<String, PhaseTime> out = new TreeMap<>();
    for (String key : stats.getKeySet()) {
      List<EventStats> events = stats.getValue(key);
      out.put(key, new PhaseTime(events.size(), events.stream().mapToLong(EventStats::getDurationMs).sum()));
    }
    return out;
  }

  /** The job's parameter averaging settings; package-private for the storage-level test. */
  static TrainingMaster<?, ?> trainingMaster(JobConfig config) {
    // Each RDD element is one ready minibatch of batch-size-per-worker images.
    return new ParameterAveragingTrainingMaster.Builder(config.batchSizePerWorker())
        .batchSizePerWorker(config.batchSizePerWorker())
        .averagingFrequency(config.averagingFrequency())
        .workerPrefetchNumBatches(config.prefetch())
        // without this DL4J M2 averages the weights but restarts Adam's moments every round
        .saveUpdater(true)
        // Direct works whatever the default filesystem is; Export needs a shared one
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .storageLevel(config.sparkStorageLevel())
        .rngSeed(config.seed())
        .build();
  }

  private void logProgress(EpochStats s, List<EpochStats> done) {
    double meanSeconds = done.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
    double eta = meanSeconds * (config.epochs() - s.epoch());
    log.info(String.format(
        "epoch %d/%d: train loss %.4f, validation accuracy %.4f, %.1f s, %.0f samples/s, ETA %.0f s",
        s.epoch(), config.epochs(), s.trainLoss(), s.validationAccuracy(), s.seconds(), s.samplesPerSecond(), eta));
  }
}
