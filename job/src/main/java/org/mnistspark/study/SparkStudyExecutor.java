package org.mnistspark.study;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.pipeline.TrainingPipeline;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.train.DistributedTrainer;

/** Trains a study's runs with the training pipeline, all on one Spark context and one loaded dataset. */
final class SparkStudyExecutor implements StudyRunner.Executor {
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
    return RunRecord.of(run, outcome.metrics());
  }

  @Override
  public void close() {
    if (sc != null) {
      sc.close();
    }
  }
}
