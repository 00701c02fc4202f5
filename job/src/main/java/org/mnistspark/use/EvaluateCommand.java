package org.mnistspark.use;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.Json;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.eval.ConfusionMatrixChart;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.OutputLock;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.spark.SparkSetup;
import org.nd4j.evaluation.classification.Evaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A saved model's accuracy, per-class metrics and confusion matrix on a labelled IDX set, computed on the executors. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a saved model.zip, with the scaler stored in it, on a labelled IDX set, distributed over "
        + "Spark executors; write metrics.json, evaluation.txt and confusion-matrix.png to --out, all or nothing.",
        "The set is --data's t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, or --images and --labels."})
public final class EvaluateCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(EvaluateCommand.class);
  /** The kind of output folder evaluate writes, as its manifest records it. */
  public static final String KIND = "evaluate";
  public static final String CONFUSION_MATRIX = ConfusionMatrixChart.FILE;

  @Mixin UseOptions use;
  private final SettingsOptions settings = UseOptions.settings("data");
  @Spec CommandSpec spec;

  @Option(names = "--images", paramLabel = "FILE", description = "An IDX image file (any Hadoop path, raw or .gz); "
      + "with --labels, instead of --data.")
  String images;

  @Option(names = "--labels", paramLabel = "FILE", description = "The IDX label file that goes with --images.")
  String labels;

  @Override
  public Integer call() throws Exception {
    checkDataOptions();
    JobConfig config = settings.resolve().job();
    SparkConf sparkConf = SparkSetup.sparkConf(config).setAppName("mnist-evaluate");
    Configuration hadoop = SparkSetup.hadoopConf(sparkConf);

    // Everything that can be wrong with the options, the model or the data fails here, before Spark starts.
    OutputFolder out = OutputFolder.open("--out", use.out, KIND, hadoop);
    try (OutputLock lock = OutputLock.acquire(out, Duration.ofSeconds(config.outLockWait()))) {
      evaluate(config, sparkConf, hadoop, out);
    }
    return 0;
  }

  private void evaluate(JobConfig config, SparkConf sparkConf, Configuration hadoop, OutputFolder out)
      throws Exception {
    StoredModel model = StoredModel.read(use.model, hadoop);
    MnistLoader loader = new MnistLoader(hadoop);
    MnistLoader.LabeledSet set = images == null ? loader.loadTest(config.data()) : loader.loadPair(images, labels);
    log.info("evaluating {} (scaling {}) on {} images", model.path(), model.scaling(), set.images().size());

    SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
    EvaluationMetrics metrics;
    Evaluation eval;
    try (JavaSparkContext sc = SparkSetup.start(sparkConf, tasks)) {
      long start = System.nanoTime();
      eval = DistributedEvaluation.evaluate(sc, model, set.images(), config.partitions(), config.evalBatchSize());
      double seconds = (System.nanoTime() - start) / 1e9;
      int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
      metrics = new EvaluationMetrics(
          new EvaluationMetrics.Model(model.path(), model.sha256(), model.scaling()),
          new EvaluationMetrics.Data(set.files(), set.images().size()),
          Evaluator.metrics(eval),
          new RunMetrics.Spark(sc.master(), sc.sc().applicationId(), sc.defaultParallelism(), partitions,
              Map.copyOf(tasks.tasksPerExecutor())),
          seconds, set.images().size() / seconds, java.time.Instant.now().toString());
    }
    write(out, metrics, eval);
    report(metrics, out);
  }

  /** Either a data folder or an explicit pair of files, never a mix. */
  private void checkDataOptions() {
    if (images != null && settings.given("data")) {
      throw new InvalidOptionException("--images", images, "cannot be combined with --data: give a folder holding the "
          + "t10k files, or --images and --labels");
    }
    if ((images == null) != (labels == null)) {
      throw images == null
          ? new InvalidOptionException("--labels", labels, "needs --images, the image file the labels belong to")
          : new InvalidOptionException("--images", images, "needs --labels, the label file that goes with it");
    }
  }

  private static void write(OutputFolder out, EvaluationMetrics metrics, Evaluation eval) throws IOException {
    byte[] chart = ConfusionMatrixChart.png(metrics.test());
    out.replace(staging -> {
      try (OutputStream o = staging.create(ModelStore.METRICS)) {
        Json.MAPPER.writeValue(o, metrics);
      }
      staging.write(ModelStore.EVALUATION, eval.stats().getBytes(StandardCharsets.UTF_8));
      staging.write(CONFUSION_MATRIX, chart);
    });
  }

  private void report(EvaluationMetrics m, OutputFolder out) {
    var stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "evaluate: accuracy %.4f on %d images of %s in %.1f s (%.0f images/s); wrote %s, %s "
            + "and %s to %s%n", m.test().accuracy(), m.test().examples(), m.data().files().get(0).path(), m.seconds(),
        m.imagesPerSecond(), ModelStore.METRICS, ModelStore.EVALUATION, CONFUSION_MATRIX, out);
    stdout.flush();
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
