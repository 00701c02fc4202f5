package org.mnistspark;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.data.MnistData;
import org.mnistspark.output.Checkpoints;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.report.BoundedDrawing;
import org.mnistspark.report.RunReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** load -> shard -> scale -> train -> evaluate -> save, once. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the LeNet on MNIST with Spark parameter averaging, evaluate it, save it.")
public final class TrainCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);
  /** About 40 times what drawing the report took on two busy cores. */
  private static final long REPORT_SECONDS = 120;

  @Mixin JobOptions options;

  @Option(names = "--resume", description = "Continue the unfinished run at --out from its newest checkpoint "
      + "(OUT.checkpoints/): the same options except epochs, out, data (same content), master, threads-per-task, "
      + "checkpoint-every-epochs and keep-checkpoints; exit 2 naming the first difference, or when there is none.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    JobConfig config = options.resolve();
    trainAndSave(config, resume ? new Resumption.Request(Checkpoints.locationBeside(config.out()), true) : null);
    return 0;
  }

  /** A finished run: the data it read and what training produced, already saved at the run's {@code out}. */
  public record Trained(MnistData data, TrainingJob.Outcome outcome) {}

  /**
   * Loads the data, trains and evaluates on a Spark context of its own, and saves model.zip,
   * metrics.json, evaluation.txt and the run report to {@code config.out()}, all or nothing. The retrain command
   * runs this same flow for its candidate.
   *
   * @throws org.mnistspark.data.InvalidInputException if the input data are missing or invalid
   * @throws InvalidOptionException if the options do not fit the data (an empty split, standardizing equal pixels)
   * @throws IOException if reading or saving fails
   */
  public static Trained trainAndSave(JobConfig config) throws IOException {
    return trainAndSave(config, null);
  }

  /**
   * As the other {@code trainAndSave}, continuing from the newest checkpoint {@code resume} names
   * ({@link Resumption#plan}); checkpoints are written beside {@code config.out()} as training goes
   * and deleted, with those resumed from, once the outputs are saved.
   *
   * @param resume what to continue from; null to start from scratch
   */
  public static Trained trainAndSave(JobConfig config, Resumption.Request resume) throws IOException {
    SparkConf sparkConf = SparkSetup.sparkConf(config);
    var hadoop = SparkSetup.hadoopConf(sparkConf);
    ModelStore store = new ModelStore(hadoop);

    // Check the output folder, load and validate the IDX files, and check the run can use them,
    // before Spark starts, so bad input fails fast.
    OutputFolder out = store.folder("--out", config.out());
    MnistData data = TrainingInput.load(hadoop, List.of(config));
    Resumption.Plan plan = Resumption.plan(config, data, hadoop, resume);

    SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
    try (JavaSparkContext sc = SparkSetup.start(sparkConf, tasks)) {
      // Shard, scale, train, evaluate.
      TrainingJob.Outcome outcome;
      try {
        outcome = new TrainingJob(sc, tasks).run(config, data, (stats, epochs) -> {}, plan);
      } catch (Exception e) {
        throw SparkSetup.explainAbort(e, tasks, config.out());
      }
      log.info("test: {}", outcome.metrics().test());

      // Save, all or nothing, the report with the model so that it always describes the model beside it.
      Map<String, byte[]> report = BoundedDrawing.draw("run report", () -> RunReport.files(outcome.metrics()),
          REPORT_SECONDS);
      store.save(out, outcome.training().network(), outcome.scaler().toNormalizer(),
          outcome.metrics(), outcome.evaluation(), report);
      log.info("saved model.zip, metrics.json, evaluation.txt and {} to {}",
          report.isEmpty() ? "no report" : RunReport.HTML + " with " + (report.size() - 1) + " PNGs", config.out());
      plan.deleteAfterSave();
      return new Trained(data, outcome);
    }
  }
}
