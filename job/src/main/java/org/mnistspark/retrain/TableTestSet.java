package org.mnistspark.retrain;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.ImageTable;
import org.mnistspark.output.ModelStore;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.use.DistributedEvaluation;
import org.mnistspark.use.StoredModel;

/**
 * A candidate's test table (--data's test/): production is evaluated on it by the executors of a
 * Spark context of its own, since the candidate's stopped with its training and the table is
 * never brought to the driver.
 */
record TableTestSet(JobConfig job, TableConfig columns, Configuration hadoop) implements ProductionBaseline.TestSet {
  @Override
  public double accuracy(Path folder, ModelStore.Loaded model, int evalBatchSize) throws IOException {
    // read again as evaluate reads a model: checked against its manifest, shipped to the executors as bytes
    StoredModel stored = StoredModel.read(folder.toString(), hadoop);
    try (JavaSparkContext sc = SparkSetup.start(SparkSetup.sparkConf(job).setAppName("mnist-retrain-baseline"),
        new SparkSetup.TaskCounter())) {
      ImageTable test = ImageTable.open(SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), hadoop,
          job.data() + "/test", columns.labelColumn(), columns.imageColumn());
      return DistributedEvaluation.evaluate(sc, stored, test, job.partitions(), evalBatchSize).eval().accuracy();
    }
  }
}
