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
import org.apache.spark.sql.SparkSession;
import org.mnistspark.Json;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Settings;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.ImageTable;
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

/**
 * A saved model's accuracy, per-class metrics and confusion matrix on a labelled IDX set or table,
 * computed on the executors.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a saved model.zip, with the scaler stored in it, on a labelled IDX set or table, distributed "
        + "over Spark executors; write metrics.json, evaluation.txt and confusion-matrix.png to --out, all or nothing.",
        "The set is --data's t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (or its test/ table), --images and "
            + "--labels, or --images naming a table (docs/tables.md)."})
public final class EvaluateCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(EvaluateCommand.class);
  /** The kind of output folder evaluate writes, as its manifest records it. */
  public static final String KIND = "evaluate";
  public static final String CONFUSION_MATRIX = ConfusionMatrixChart.FILE;

  @Mixin UseOptions use;
  private final SettingsOptions settings = UseOptions.settings("data", "table.label-column", "table.image-column");
  @Spec CommandSpec spec;

  @Option(names = "--images", paramLabel = "PATH", description = "An IDX image file (any Hadoop path, raw or .gz) "
      + "with --labels, or a table (Parquet, ORC, CSV or PNGs in label folders 0/ to 9/, docs/tables.md), whose label "
      + "column holds the labels; instead of --data.")
  String images;

  @Option(names = "--labels", paramLabel = "FILE", description = "The IDX label file that goes with --images.")
  String labels;

  @Override
  public Integer call() throws Exception {
    Settings all = settings.resolve();
    JobConfig config = all.job();
    SparkConf sparkConf = SparkSetup.sparkConf(config).setAppName("mnist-evaluate");
    Configuration hadoop = SparkSetup.hadoopConf(sparkConf);
    String table = table(config, hadoop);

    // Everything that can be wrong with the options, the model or IDX data fails here, before Spark
    // starts; a table is checked by the executors, before the evaluation.
    OutputFolder out = OutputFolder.open("--out", use.out, KIND, hadoop);
    try (OutputLock lock = OutputLock.acquire(out, Duration.ofSeconds(config.outLockWait()))) {
      evaluate(config, all.table(), table, sparkConf, hadoop, out);
    }
    return 0;
  }

  /** The evaluation, what it read (named {@code source} in the report) and over how many partitions. */
  private record Evaluated(Evaluation eval, EvaluationMetrics.Data data, String source, int partitions) {}

  private void evaluate(JobConfig config, TableConfig columns, String table, SparkConf sparkConf, Configuration hadoop,
      OutputFolder out) throws Exception {
    StoredModel model = StoredModel.read(use.model, hadoop);
    MnistLoader loader = new MnistLoader(hadoop);
    MnistLoader.LabeledSet set = table != null ? null
        : images == null ? loader.loadTest(config.data()) : loader.loadPair(images, labels);
    log.info("evaluating {} (scaling {}) on {}", model.path(), model.scaling(),
        set == null ? "the table " + table : set.images().size() + " images");

    SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
    EvaluationMetrics metrics;
    Evaluated e;
    try (JavaSparkContext sc = SparkSetup.start(sparkConf, tasks)) {
      long start = System.nanoTime();
      e = set != null ? onFiles(sc, model, set, config) : onTable(sc, model, hadoop, table, columns, config);
      double seconds = (System.nanoTime() - start) / 1e9;
      metrics = new EvaluationMetrics(
          new EvaluationMetrics.Model(model.path(), model.sha256(), model.scaling()),
          e.data(),
          Evaluator.metrics(e.eval()),
          new RunMetrics.Spark(sc.master(), sc.sc().applicationId(), sc.defaultParallelism(), e.partitions(),
              Map.copyOf(tasks.tasksPerExecutor())),
          seconds, e.data().images() / seconds, java.time.Instant.now().toString());
    }
    write(out, metrics, e.eval());
    report(metrics, e.source(), out);
  }

  private static Evaluated onFiles(JavaSparkContext sc, StoredModel model, MnistLoader.LabeledSet set, JobConfig config) {
    int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
    Evaluation eval = DistributedEvaluation.evaluate(sc, model, set.images(), partitions, config.evalBatchSize());
    return new Evaluated(eval, new EvaluationMetrics.Data(set.files(), set.images().size()), set.files().get(0).path(),
        partitions);
  }

  /** On a table the executors read and check (every row, before the evaluation), cut as a file's images are. */
  private static Evaluated onTable(JavaSparkContext sc, StoredModel model, Configuration hadoop, String location,
      TableConfig columns, JobConfig config) throws IOException {
    ImageTable table = ImageTable.open(SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), hadoop, location,
        columns.labelColumn(), columns.imageColumn());
    DistributedEvaluation.OnTable e = DistributedEvaluation.evaluate(sc, model, table, config.partitions(),
        config.evalBatchSize());
    return new Evaluated(e.eval(), new EvaluationMetrics.Data(table.files(hadoop), e.rows()), location, e.partitions());
  }

  /**
   * The table to evaluate on: --images when it is one, or --data's test/ table; null for IDX files.
   * Either a data folder or an explicit pair of files (or one table), never a mix.
   */
  private String table(JobConfig config, Configuration hadoop) {
    if (images != null && settings.given("data")) {
      throw new InvalidOptionException("--images", images, "cannot be combined with --data: give a folder holding the "
          + "t10k files or a test/ table, or --images (with --labels for an IDX file)");
    }
    if (images != null && ImageTable.isTable(hadoop, images)) {
      if (labels != null) {
        throw new InvalidOptionException("--labels", labels, "does not go with --images " + images + ", a table: its "
            + "label column holds the labels");
      }
      return images;
    }
    if ((images == null) != (labels == null)) {
      throw images == null
          ? new InvalidOptionException("--labels", labels, "needs --images, the image file the labels belong to")
          : new InvalidOptionException("--images", images, "needs --labels, the label file that goes with it");
    }
    String test = config.data() + "/test";
    return images == null && ImageTable.isTable(hadoop, test) ? test : null;
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

  private void report(EvaluationMetrics m, String source, OutputFolder out) {
    var stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "evaluate: accuracy %.4f on %d images of %s in %.1f s (%.0f images/s); wrote %s, %s "
            + "and %s to %s%n", m.test().accuracy(), m.test().examples(), source, m.seconds(),
        m.imagesPerSecond(), ModelStore.METRICS, ModelStore.EVALUATION, CONFUSION_MATRIX, out);
    stdout.flush();
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
