package org.mnistspark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.JobConfig;
import org.mnistspark.spark.SparkSetup;

/**
 * A small Spark context for unit tests, configured as the job configures it (Kryo with ND4J's
 * registrator) but on local[2] and without the web UI. Each test class starts and stops its own,
 * since a JVM may hold only one active context.
 */
public final class UnitSpark {
  private UnitSpark() {}

  public static JavaSparkContext start() {
    JobConfig config = JobConfig.load(null, Map.of("master", "local[2]"));
    SparkConf conf = SparkSetup.sparkConf(config).set("spark.ui.enabled", "false");
    return new JavaSparkContext(conf);
  }
}
