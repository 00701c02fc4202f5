package org.mnistspark.study;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.JobConfig;
import org.mnistspark.SparkSetup;
import org.mnistspark.TrainingJob;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.train.DistributedTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains a study's runs with the training job, all on one Spark context and one loaded dataset. */
final class SparkStudyExecutor implements StudyRunner.Executor {
  private static final Logger log = LoggerFactory.getLogger(SparkStudyExecutor.class);

  private final JobConfig base;
  private final SparkConf sparkConf;
  private final SparkSetup.TaskCounter tasks = new SparkSetup.TaskCounter();
  private MnistData data;
  private JavaSparkContext sc;

  SparkStudyExecutor(JobConfig base, SparkConf sparkConf) {
    this.base = base;
    this.sparkConf = sparkConf;
  }

  @Override
  public void prepare() throws Exception {
    // Load and validate the IDX files before Spark starts, so bad input fails fast.
    data = new MnistLoader(SparkSetup.hadoopConf(sparkConf)).load(base.data());
    log.info("loaded {}: {} training and {} test images", base.data(), data.train().size(), data.test().size());
    sc = SparkSetup.start(sparkConf, tasks);
  }

  @Override
  public RunRecord run(StudyPlan.Run run, DistributedTrainer.EpochListener listener) {
    TrainingJob.Outcome outcome = new TrainingJob(sc, tasks).run(run.config(), data, listener);
    return RunRecord.of(run, outcome.metrics());
  }

  @Override
  public void close() {
    if (sc != null) {
      sc.close();
    }
  }
}
