package org.mnistspark.pipeline;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.ImageTable;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.Sharder;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.output.Checkpoint;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.OutputLock;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.report.BoundedDrawing;
import org.mnistspark.report.Format;
import org.mnistspark.report.RunReport;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.scale.Scaling;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.train.Checkpointing;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.MechanismProbes;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.RoundCosts;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train path in six stages: load, shard, scale, train, evaluate, save. {@link #run} is the
 * train command's (and a retrain candidate's) whole run; a study or a bench, which train many runs
 * on one dataset and one Spark context, call {@link #load} and {@link #startSpark} once and
 * {@link #trainOn} (shard, scale, train, evaluate) per run.
 *
 * <p>The pipeline takes where the images come from, where the outputs go and how Spark starts in
 * its constructor; {@link #of} wires in the real ones.
 */
public final class TrainingPipeline {
  // The train command's log lines keep the name they have always had ("TrainCommand: test: ...").
  private static final Logger log = LoggerFactory.getLogger(TrainingPipeline.class.getPackageName() + ".TrainCommand");
  /** About 40 times what drawing the report took on two busy cores. */
  private static final long REPORT_SECONDS = 120;

  /** Where the images come from: the IDX files in a data folder. */
  @FunctionalInterface
  public interface Source {
    /**
     * @throws org.mnistspark.data.InvalidInputException if the data are missing or invalid
     * @throws IOException if the file system fails
     */
    MnistData load(String folder) throws IOException;
  }

  /** Where a run's outputs go: model.zip, metrics.json, evaluation.txt and the run report in an output folder. */
  public interface Sink {
    /** The checked output folder {@code out}, before anything runs. */
    OutputFolder folder(String out) throws IOException;

    /**
     * Saves the run's outputs to {@code out}, all or nothing.
     *
     * @param report file name to content: report.html and its plots, drawn from the outcome's metrics
     */
    void save(OutputFolder out, Outcome outcome, Map<String, byte[]> report) throws IOException;
  }

  /** Starts a Spark context that reports its tasks to {@code tasks}. */
  @FunctionalInterface
  public interface SparkFactory {
    JavaSparkContext start(SparkSetup.TaskCounter tasks);
  }

  /** A trained run: the network, the scaler it was trained with, its metrics and DL4J's stats text. */
  public record Outcome(DistributedTrainer.Result training, PixelScaler scaler, RunMetrics metrics, String evaluation) {}

  /** A finished run: the data it read (null for tables) and what training produced, already saved at the run's {@code out}. */
  public record Trained(MnistData data, Outcome outcome) {}

  private final Source source;
  private final Sink sink;
  private final SparkFactory spark;
  private final Configuration hadoop;

  /**
   * @param hadoop the file systems the run's checkpoints are on
   */
  public TrainingPipeline(Source source, Sink sink, SparkFactory spark, Configuration hadoop) {
    this.source = source;
    this.sink = sink;
    this.spark = spark;
    this.hadoop = hadoop;
  }

  /** The pipeline on {@code sparkConf}'s Spark and Hadoop file systems: the IDX loader, the model store. */
  public static TrainingPipeline of(SparkConf sparkConf) {
    Configuration hadoop = SparkSetup.hadoopConf(sparkConf);
    ModelStore store = new ModelStore(hadoop);
    Sink sink = new Sink() {
      @Override
      public OutputFolder folder(String out) {
        return store.folder("--out", out);
      }

      @Override
      public void save(OutputFolder out, Outcome o, Map<String, byte[]> report) throws IOException {
        store.save(out, o.training().network(), o.scaler().toNormalizer(), o.metrics(), o.evaluation(), report);
      }
    };
    return new TrainingPipeline(new MnistLoader(hadoop)::load, sink, tasks -> SparkSetup.start(sparkConf, tasks), hadoop);
  }

  /** As {@link #of(SparkConf)} with the Spark settings {@code config} names. */
  public static TrainingPipeline of(JobConfig config) {
    return of(SparkSetup.sparkConf(config));
  }

  /**
   * Loads the data, trains and evaluates on a Spark context of its own, and saves model.zip,
   * metrics.json, evaluation.txt and the run report to {@code config.out()}, all or nothing. Continues from the
   * newest checkpoint {@code resume} names ({@link Resumption#plan}); checkpoints are written beside
   * {@code config.out()} as training goes and deleted, with those resumed from, once the outputs are saved.
   *
   * @param resume what to continue from; null to start from scratch
   * @throws org.mnistspark.data.InvalidInputException if the input data are missing or invalid
   * @throws org.mnistspark.config.InvalidOptionException if the options do not fit the data (an
   *     empty split, standardizing equal pixels)
   * @throws IOException if reading or saving fails
   */
  public Trained run(JobConfig config, Resumption.Request resume) throws IOException {
    return run(config, null, resume);
  }

  /**
   * As {@link #run(JobConfig, Resumption.Request)}; when {@code config.data()} holds train/ and test/
   * tables rather than IDX files, reads them with {@code columns} on the executors (the returned
   * {@link Trained} then has no data: the driver never held it).
   */
  public Trained run(JobConfig config, TableConfig columns, Resumption.Request resume) throws IOException {
    // Load: check the output folder and take its lock, load and validate the IDX files, and check
    // the run can use them, before Spark starts, so bad input fails fast.
    OutputFolder out = sink.folder(config.out());
    try (OutputLock lock = OutputLock.acquire(out, Duration.ofSeconds(config.outLockWait()))) {
      if (readsTables(config.data(), columns)) {
        return runOnTables(config, out, lock, columns, resume);
      }
      return run(config, out, lock, load(List.of(config)), resume);
    }
  }

  /** {@link #run(JobConfig, Resumption.Request)} once the output folder is this run's. */
  private Trained run(JobConfig config, OutputFolder out, OutputLock lock, MnistData data,
      Resumption.Request resume) throws IOException {
    Resumption.Plan plan = Resumption.plan(config, data, hadoop, resume);
    SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
    try (JavaSparkContext sc = startSpark(tasks)) {
      return new Trained(data, trainAndSave(sc, tasks, config, StageInput.of(data), plan, out, lock));
    }
  }

  /** As {@link #run(JobConfig, OutputFolder, OutputLock, MnistData, Resumption.Request)} on tables only the executors read. */
  private Trained runOnTables(JobConfig config, OutputFolder out, OutputLock lock, TableConfig columns,
      Resumption.Request resume) throws IOException {
    SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
    try (JavaSparkContext sc = startSpark(tasks)) {
      StageInput input = loadTables(sc, List.of(config), columns);
      Resumption.Plan plan = Resumption.plan(config, input.files(), hadoop, resume);
      return new Trained(null, trainAndSave(sc, tasks, config, input, plan, out, lock));
    }
  }

  /** Stages 2 to 6 of a train run on a started context; a Spark failure is explained in terms of the run. */
  private Outcome trainAndSave(JavaSparkContext sc, SparkSetup.TaskCounter tasks, JobConfig config, StageInput input,
      Resumption.Plan plan, OutputFolder out, OutputLock lock) throws IOException {
    Outcome outcome;
    try {
      outcome = trainOn(sc, tasks, config, input, (stats, epochs) -> {}, plan);
    } catch (Exception e) {
      throw SparkSetup.explainAbort(e, tasks, config.out());
    }
    log.info("test: {}", outcome.metrics().test());
    save(config, out, outcome, plan, lock);
    return outcome;
  }

  /**
   * Stage 1, load: the data in the first run's data folder, checked against every run in
   * {@code runs} (which all read that folder).
   *
   * @throws org.mnistspark.data.InvalidInputException if the data are missing or invalid
   * @throws org.mnistspark.config.InvalidOptionException if a run's split leaves a part empty, or
   *     it standardizes pixels that are all equal
   * @throws IOException if the file system fails
   */
  public MnistData load(List<JobConfig> runs) throws IOException {
    return TrainingInput.load(source, runs);
  }

  /**
   * Whether {@code folder} holds train/ and test/ tables to read with {@code columns} (null: IDX
   * files only); if so, checks with the file system alone, before Spark starts, that both are there.
   *
   * @throws org.mnistspark.data.InvalidInputException naming a missing table, or what the listing
   *     of a PNG folder shows is wrong
   */
  public boolean readsTables(String folder, TableConfig columns) throws IOException {
    if (columns == null || !TrainingInput.isTables(hadoop, folder)) {
      return false;
    }
    TrainingInput.checkTableFolders(hadoop, folder);
    return true;
  }

  /**
   * Stage 1 on tables ({@link #readsTables}): the tables in the first run's data folder, their
   * schemas and every row checked on {@code sc}'s executors, and every run's split checked against
   * them, before training.
   *
   * @throws org.mnistspark.data.InvalidInputException if a table is empty or has a bad column or row
   * @throws org.mnistspark.config.InvalidOptionException if a run's split leaves a part empty
   */
  public StageInput loadTables(JavaSparkContext sc, List<JobConfig> runs, TableConfig columns) throws IOException {
    StageInput.Tables tables = TrainingInput.tables(SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), hadoop,
        runs.get(0), columns);
    for (JobConfig run : runs) {
      TrainingInput.checkSplit(run, tables.trainRows(), tables.train().path());
    }
    return tables;
  }

  /** Starts Spark for the stages between load and save. */
  public JavaSparkContext startSpark(SparkSetup.TaskCounter tasks) {
    return spark.start(tasks);
  }

  /** Stages 2 to 5 (shard, scale, train, evaluate) on a started context, from scratch. */
  public Outcome trainOn(JavaSparkContext sc, SparkSetup.TaskCounter tasks, JobConfig config, MnistData data,
      DistributedTrainer.EpochListener listener) {
    return trainOn(sc, tasks, config, data, listener, Resumption.Plan.NONE);
  }

  /** As the other {@code trainOn}, on IDX data or tables ({@link #loadTables}). */
  public Outcome trainOn(JavaSparkContext sc, SparkSetup.TaskCounter tasks, JobConfig config, StageInput input,
      DistributedTrainer.EpochListener listener) {
    return trainOn(sc, tasks, config, input, listener, Resumption.Plan.NONE);
  }

  /**
   * As the other {@code trainOn}, continuing from the plan's checkpoint if it has one and writing
   * checkpoints to its target.
   */
  public Outcome trainOn(JavaSparkContext sc, SparkSetup.TaskCounter tasks, JobConfig config, MnistData data,
      DistributedTrainer.EpochListener listener, Resumption.Plan plan) {
    return trainOn(sc, tasks, config, StageInput.of(data), listener, plan);
  }

  private static Outcome trainOn(JavaSparkContext sc, SparkSetup.TaskCounter tasks, JobConfig config, StageInput input,
      DistributedTrainer.EpochListener listener, Resumption.Plan plan) {
    long start = System.nanoTime();
    // Released after training: a study runs many of these on one context.
    try (Sharder.Shards shards = input.shard(sc, config)) {
      PixelScaler scaler = scale(config, shards, plan.checkpoint());
      plan.checkPartitions(shards.train().getNumPartitions());
      JobConfig sized = sized(config, shards);
      Training training = train(sc, config, sized, input, shards, scaler, listener, plan);
      return evaluate(sc, tasks, sized, input, shards, scaler, training, start);
    }
  }

  /** A network trained on a DataFrame, with the scaler it was trained with. */
  public record Fitted(DistributedTrainer.Result training, PixelScaler scaler) {}

  /**
   * Stages 2 to 4 (shard, scale, train) on {@code table}'s rows, its last validation-fraction held
   * out for validation, without a test set or outputs: what a Spark ML estimator's fit does.
   *
   * @throws org.mnistspark.data.InvalidInputException if a row breaks the table's rules
   * @throws org.mnistspark.config.InvalidOptionException if the split leaves a part empty
   */
  public static Fitted fit(JavaSparkContext sc, JobConfig config, ImageTable table) throws IOException {
    int rows = table.checkedRows();
    TrainingInput.checkSplit(config, rows, table.path());
    try (Sharder.Shards shards = new Sharder(sc, config.partitions()).shard(table.records(), rows, config.trainLimit(),
        config.validationFraction())) {
      PixelScaler scaler = scale(config, shards, null);
      JobConfig sized = sized(config, shards);
      DistributedTrainer.Result result = DistributedTrainer.of(sc, sized).train(shards.train(), shards.validation(),
          shards.trainCount(), scaler, (stats, epochs) -> {});
      return new Fitted(result, scaler);
    }
  }

  /**
   * The resident trainer's mean averaging round on the shards this configuration makes, with
   * every fit replaced by a wait of {@code fitMillisPerRound} ({@link RoundCosts}): what Spark
   * costs per round at this many workers, whatever the machine's cores.
   */
  public DistributedTrainer.RoundTimes roundCosts(JavaSparkContext sc, JobConfig config, MnistData data,
      double fitMillisPerRound) {
    try (Sharder.Shards shards = StageInput.of(data).shard(sc, config)) {
      PixelScaler scaler = scale(config, shards, null);
      return RoundCosts.measure(sc, sized(config, shards), shards.train(), shards.validation(), shards.trainCount(), scaler,
          fitMillisPerRound);
    }
  }

  /**
   * The run's configuration with an automatic batch size and averaging frequency chosen for the
   * images each worker holds (the single-JVM trainer is one worker with all of them).
   */
  private static JobConfig sized(JobConfig config, Sharder.Shards shards) {
    int workers = config.trainer().workers(shards.train().getNumPartitions());
    int perWorker = (shards.trainCount() + workers - 1) / workers;
    JobConfig sized = config.sizedFor(perWorker);
    if (!sized.equals(config)) {
      log.info("{} training images per worker over {}: minibatches of {}, averaging every {}", perWorker,
          Format.epochs(config.epochs()), sized.batchSizePerWorker(), sized.averagingFrequency());
    }
    return sized;
  }

  /**
   * Stage 3, scale: statistics from the training split only, applied as a distributed map while
   * batching. A resumed run takes its checkpoint's: refitted on a cluster, the sums could come in another order.
   */
  private static PixelScaler scale(JobConfig config, Sharder.Shards shards, Checkpoint from) {
    return from != null ? from.scaler() : PixelScaler.fit(config.scaling(), shards.train());
  }

  /** What training produced, with what the probes measured and what checkpoints cost. */
  private record Training(DistributedTrainer.Result result, List<NetworkProbe> mechanism, Checkpointed checkpointed) {}

  /**
   * Stage 4, train with parameter averaging ({@code sized}: the configuration with its automatic
   * sizes chosen); validation runs on the executors during training, the
   * network's insides are measured on a fixed probe batch now and then, and the state is
   * checkpointed after every checkpoint-every-epochs epochs.
   */
  private static Training train(JavaSparkContext sc, JobConfig config, JobConfig sized, StageInput input,
      Sharder.Shards shards, PixelScaler scaler, DistributedTrainer.EpochListener listener, Resumption.Plan plan) {
    Checkpoint from = plan.checkpoint();
    MechanismProbes probes = new MechanismProbes(probeBatch(shards, scaler), listener);
    if (from != null) {
      probes.resumeWith(from.mechanism());
    }
    EpochCheckpointer checkpoints = new EpochCheckpointer(plan.target(), config, input.files(), scaler,
        shards.train().getNumPartitions(), probes);
    // checkpoints record the options as given, which a resumed run is compared with
    DistributedTrainer.Result result = DistributedTrainer.of(sc, sized).train(shards.train(), shards.validation(),
        shards.trainCount(), scaler, probes, new Checkpointing(from == null ? null : from.training(), checkpoints));
    return new Training(result, probes.measured(), new Checkpointed(plan.resumed(), checkpoints.cost()));
  }

  /** The first validation images, scaled as training sees them: the same probe batch for every scaling and seed. */
  private static DataSet probeBatch(Sharder.Shards shards, PixelScaler scaler) {
    List<LabeledImage> images = shards.validation().take(MechanismProbes.PROBE_IMAGES);
    return new MinibatchAssembler(scaler, images.size()).batch(images);
  }

  /** What metrics.json says about checkpoints: where the run resumed from, what writing them cost. */
  private record Checkpointed(RunMetrics.Resumed resumedFrom, RunMetrics.CheckpointCost cost) {}

  /** Stage 5, evaluate over the whole test set (IDX: on the driver; a table: on the executors), and gather the run's metrics. */
  private static Outcome evaluate(JavaSparkContext sc, SparkSetup.TaskCounter tasks, JobConfig config, StageInput input,
      Sharder.Shards shards, PixelScaler scaler, Training trained, long start) {
    DistributedTrainer.Result training = trained.result();
    Evaluation eval = input.evaluateTest(sc, training.network(), scaler, config);
    TestMetrics test = Evaluator.metrics(eval);

    RunMetrics metrics = RunMetrics.builder()
        .input(config.asMap(), new RunMetrics.Data(config.dataset(), input.files(), shards.trainCount(),
            shards.validationCount(), input.testCount()), scalingOf(scaler))
        .training(training, trained.mechanism())
        .evaluation(test, new RunMetrics.Spark(sc.master(), sc.sc().applicationId(), sc.defaultParallelism(),
            shards.train().getNumPartitions(), Map.copyOf(tasks.tasksPerExecutor())))
        .checkpoints(trained.checkpointed().resumedFrom(), trained.checkpointed().cost())
        .finished((System.nanoTime() - start) / 1e9, java.time.Instant.now().toString())
        .build();
    return new Outcome(training, scaler, metrics, eval.stats());
  }

  /**
   * Stage 6, save, all or nothing, the report with the model so that it always describes the model
   * beside it (a report that fails or takes too long is left out, not the model); then the
   * checkpoints are no longer needed.
   */
  private void save(JobConfig config, OutputFolder out, Outcome outcome, Resumption.Plan plan, OutputLock lock)
      throws IOException {
    Map<String, byte[]> report = BoundedDrawing.draw("run report", () -> RunReport.files(outcome.metrics()),
        REPORT_SECONDS);
    sink.save(out, outcome, report);
    log.info("saved model.zip, metrics.json, evaluation.txt and {} to {}",
        report.isEmpty() ? "no report" : RunReport.HTML + " with " + (report.size() - 1) + " PNGs", config.out());
    plan.deleteAfterSave(lock.deletableWriters());
  }

  private static RunMetrics.Scaling scalingOf(PixelScaler s) {
    boolean fitted = s.kind() == Scaling.STANDARDIZE;
    return new RunMetrics.Scaling(s.kind().label(), s.offset(), s.divisor(),
        fitted ? s.offset() : null, fitted ? s.divisor() : null);
  }
}
