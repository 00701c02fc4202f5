package org.mnistspark.study;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.TableConfig;
import org.mnistspark.pipeline.StageInput;
import org.mnistspark.pipeline.TrainingPipeline;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.train.DistributedTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains a study's runs with the training pipeline, all on one Spark context and one loaded dataset (IDX files or tables). */
final class SparkStudyExecutor implements StudyRunner.Executor {
  private static final Logger log = LoggerFactory.getLogger(SparkStudyExecutor.class);
  private final List<JobConfig> runs;
  private final TableConfig columns;
  private final TrainingPipeline pipeline;
  private final SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
  private StageInput input;
  /** The IDX data, whose test images the kept mistakes index; null for tables, whose runs keep none. */
  private org.mnistspark.data.MnistData idx;
  private JavaSparkContext sc;

  SparkStudyExecutor(StudyPlan plan, SparkConf sparkConf, TableConfig columns) {
    this.runs = plan.runs().stream().map(StudyPlan.Run::config).toList();
    this.columns = columns;
    this.pipeline = TrainingPipeline.of(sparkConf);
  }

  @Override
  public void prepare() throws Exception {
    // Bad input fails fast: IDX files are loaded and checked against every run before Spark starts;
    // tables are checked by the executors, before the first run trains.
    if (pipeline.readsTables(runs.get(0).data(), columns)) {
      sc = pipeline.startSpark(tasks);
      input = pipeline.loadTables(sc, runs, columns);
    } else {
      idx = pipeline.load(runs);
      input = StageInput.of(idx);
      sc = pipeline.startSpark(tasks);
    }
  }

  @Override
  public RunRecord run(StudyPlan.Run run, DistributedTrainer.EpochListener listener) {
    TrainingPipeline.Outcome outcome = pipeline.trainOn(sc, tasks, run.config(), input, listener);
    if (idx == null) {
      return RunRecord.of(run, outcome.metrics(), null);
    }
    List<List<Integer>> mistakes = TestMistakes.of(outcome.training().network(), outcome.scaler(), idx.test(),
        run.config().evalBatchSize());
    double accuracy = 1 - mistakes.size() / (double) idx.test().size();
    if (Math.abs(accuracy - outcome.metrics().test().accuracy()) > 1e-9) {
      // the evaluation and these predictions see the same network and images: a difference is a bug to look at
      log.warn("{}: test accuracy {} from the predictions kept, {} from the evaluation", run, accuracy,
          outcome.metrics().test().accuracy());
    }
    return RunRecord.of(run, outcome.metrics(), mistakes);
  }

  @Override
  public void close() {
    if (sc != null) {
      sc.close();
    }
  }
}
