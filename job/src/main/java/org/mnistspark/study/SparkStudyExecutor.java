package org.mnistspark.study;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.pipeline.TrainingPipeline;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.train.DistributedTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains a study's runs with the training pipeline, all on one Spark context and one loaded dataset. */
final class SparkStudyExecutor implements StudyRunner.Executor {
  private static final Logger log = LoggerFactory.getLogger(SparkStudyExecutor.class);
  private final List<JobConfig> runs;
  private final TrainingPipeline pipeline;
  private final SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
  private MnistData data;
  private JavaSparkContext sc;

  SparkStudyExecutor(StudyPlan plan, SparkConf sparkConf) {
    this.runs = plan.runs().stream().map(StudyPlan.Run::config).toList();
    this.pipeline = TrainingPipeline.of(sparkConf);
  }

  @Override
  public void prepare() throws Exception {
    // Load and validate the IDX files, and check every run can use them, before Spark starts, so bad input fails fast.
    data = pipeline.load(runs);
    sc = pipeline.startSpark(tasks);
  }

  @Override
  public RunRecord run(StudyPlan.Run run, DistributedTrainer.EpochListener listener) {
    TrainingPipeline.Outcome outcome = pipeline.trainOn(sc, tasks, run.config(), data, listener);
    List<List<Integer>> mistakes = TestMistakes.of(outcome.training().network(), outcome.scaler(), data.test(),
        run.config().evalBatchSize());
    double accuracy = 1 - mistakes.size() / (double) data.test().size();
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
