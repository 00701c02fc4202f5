package org.mnistspark.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.spark.SparkSetup;

/**
 * The pipeline with a sink of the test's own, in this JVM: what a crash during save leaves behind,
 * without a child JVM or a swapped Hadoop file system.
 */
class TrainingPipelineTest {
  @TempDir Path tmp;

  @Test
  void aSaveThatFailsLeavesNoOutputsAndKeepsTheCheckpointsToResumeFrom() throws Exception {
    Path out = tmp.resolve("run");
    JobConfig config = JobConfig.load(null, Map.of("master", "local[2]", "data", RealMnist.dir(), "out", out.toString(),
        "train-limit", 400, "epochs", 1));
    SparkConf sparkConf = SparkSetup.sparkConf(config).set("spark.ui.enabled", "false");
    Configuration hadoop = SparkSetup.hadoopConf(sparkConf);
    ModelStore store = new ModelStore(hadoop);
    TrainingPipeline.Sink failingSink = new TrainingPipeline.Sink() {
      @Override
      public OutputFolder folder(String location) {
        return store.folder("--out", location);
      }

      @Override
      public void save(OutputFolder folder, TrainingPipeline.Outcome outcome, Map<String, byte[]> report)
          throws IOException {
        assertThat(outcome.metrics().data().trainImages()).as("trained before saving").isEqualTo(320);
        throw new IOException("disk full (test)");
      }
    };
    TrainingPipeline pipeline = new TrainingPipeline(new MnistLoader(hadoop)::load, failingSink,
        tasks -> SparkSetup.start(sparkConf, tasks), hadoop);

    assertThatThrownBy(() -> pipeline.run(config, null)).isInstanceOf(IOException.class).hasMessage("disk full (test)");

    assertThat(out.resolve(ModelStore.MODEL)).doesNotExist();
    assertThat(out.resolve(ModelStore.METRICS)).doesNotExist();
    // not deleted: a rerun with --resume continues from them
    assertThat(tmp.resolve("run.checkpoints").resolve("epoch-0001")).isDirectory();
  }
}
