package org.mnistspark.train;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.stats.ExampleCountEventStats;
import org.mnistspark.DetachedNd4jRegistrator;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J's own {@code ParameterAveragingTrainingMaster}, kept selectable ({@code trainer = dl4j}) to
 * compare with the resident trainer: it rebuilds the network on every worker each round, runs
 * three stages per round with a repartition, and fits at most {@code averaging-frequency}
 * minibatches per worker per split, so some images can go unfitted in an epoch (counted from its
 * training stats, which are therefore always on). It writes no checkpoints: DL4J's master keeps
 * Adam's state inside its own network and workers, and the comparison it serves needs none.
 */
final class Dl4jAveragingTrainer implements DistributedTrainer {
  private final JavaSparkContext sc;
  private final JobConfig config;

  Dl4jAveragingTrainer(JavaSparkContext sc, JobConfig config) {
    this.sc = sc;
    this.config = config;
  }

  @Override
  public Result train(JavaRDD<LabeledImage> records, JavaRDD<LabeledImage> validationRecords, long trainCount,
      PixelScaler scaler, EpochListener listener, Checkpointing checkpointing) {
    if (checkpointing.resumeFrom() != null) {
      throw new IllegalArgumentException("the dl4j trainer cannot resume from a checkpoint");
    }
    JavaRDD<DataSet> train = records.mapPartitions(new MinibatchAssembler(scaler, config.batchSizePerWorker()));
    JavaRDD<DataSet> validation = validationRecords.mapPartitions(new MinibatchAssembler(scaler, config.evalBatchSize()));
    // its split is DL4J's; the schedule counts the steps of a worker that gets an even share
    int workers = Math.max(1, records.getNumPartitions());
    MultiLayerNetwork net = LeNet.network(config,
        (int) Math.ceil(trainCount / (double) workers / config.batchSizePerWorker()));
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, trainingMaster(config));
    // DL4J's default time source asks pool.ntp.org, which fails where the cluster is offline:
    // SparkSetup.configureJvm sets the system clock's as the job starts.
    spark.setCollectTrainingStats(true);
    // The validation batches are reused every epoch; the training RDD is persisted by DL4J itself.
    // Any storage level is safe since SparkSetup registers DetachedNd4jRegistrator (with ND4J's own
    // serializer, MEMORY_ONLY_SER batches were read into a reused workspace: 0.91 instead of 0.976;
    // docs/serialized-cache.md); deserialized is simply the fastest for batches read every epoch.
    validation.persist(StorageLevel.MEMORY_ONLY());
    TrainingProgress progress = new TrainingProgress(config, trainCount, listener);
    progress.started(spark::getNetwork);
    long fittedBefore = 0;
    try {
      for (int e = 1; e <= config.epochs(); e++) {
        long start = System.nanoTime();
        spark.fit(train);
        long nanos = System.nanoTime() - start;
        long fitted = examplesFitted(spark.getSparkTrainingStats()) - fittedBefore;
        fittedBefore += fitted;
        progress.trained(nanos, fitted);
        Evaluation eval = spark.evaluate(validation);
        boolean stop = progress.validated(e, eval.accuracy(), null, () -> ModelState.of(spark.getNetwork()));
        progress.epochDone(e, nanos / 1e9, fitted, spark.getScore(), eval.accuracy(), null, spark::getNetwork);
        if (stop) {
          break;
        }
      }
    } finally {
      validation.unpersist();
      train.unpersist();
      spark.getTrainingMaster().deleteTempFiles(sc);
    }
    Map<String, PhaseTime> phases = phases(spark.getSparkTrainingStats());
    ModelState last = ModelState.of(spark.getNetwork());
    progress.restoreBest(spark.getNetwork());
    return new Result(spark.getNetwork(), progress.epochs(), progress.curve(), phases,
        rounds(phases, sc.defaultParallelism()), progress.stoppedEarly(), progress.kept(), last);
  }

  /** Images the workers fitted so far, from the examples counted in their fit events. */
  private static long examplesFitted(SparkTrainingStats stats) {
    List<EventStats> fits = stats.getValue(WORKER_FIT);
    return fits == null ? 0 : fits.stream().filter(ExampleCountEventStats.class::isInstance)
        .mapToLong(f -> ((ExampleCountEventStats) f).getTotalExampleCount()).sum();
  }

  private static final String WORKER_FIT = "ParameterAveragingWorkerFitTimesMs";

  /** Per-round costs from DL4J's stats: the driver's round time, and the part the workers spent fitting. */
  static RoundTimes rounds(Map<String, PhaseTime> p, int workers) {
    PhaseTime broadcast = p.get("ParameterAveragingMasterBroadcastCreateTimesMs");
    if (broadcast == null || broadcast.count() == 0) {
      return null;
    }
    int rounds = broadcast.count();
    double fit = total(p, WORKER_FIT) / workers / rounds;
    return new RoundTimes(rounds, total(p, "ParameterAveragingMasterFitTimesMs") / rounds, fit, fit,
        broadcast.totalMillis() / (double) rounds,
        total(p, "ParameterAveragingMasterRepartitionTimesMs") / rounds);
  }

  private static double total(Map<String, PhaseTime> p, String key) {
    PhaseTime t = p.get(key);
    return t == null ? 0 : t.totalMillis();
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
}
