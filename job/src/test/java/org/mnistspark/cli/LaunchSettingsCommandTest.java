package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.cli.CliRun.execute;
import static org.mnistspark.cli.CliRun.succeeding;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the submit/ scripts learn from the job before they start it: threads, Spark's task cores, the data to fetch. */
class LaunchSettingsCommandTest {
  @TempDir Path tmp;

  private static String launch(String... commandAndArgs) {
    String[] args = new String[commandAndArgs.length + 1];
    args[0] = "launch-settings";
    System.arraycopy(commandAndArgs, 0, args, 1, commandAndArgs.length);
    CliRun run = succeeding(args);
    assertThat(run.sparkStarts()).isZero();
    return run.out();
  }

  @Test
  void threadsPerTaskFromTheConfFileBecomeSparksTaskCoresAndTheNativeThreads() throws Exception {
    Path conf = Files.writeString(tmp.resolve("cluster.conf"), "mnist { threads-per-task = 2 }\n");
    assertThat(launch("train", "--conf", conf.toString(), "--epochs", "3")).isEqualTo(String.join("\n",
        "env OMP_NUM_THREADS=2", "spark-conf spark.task.cpus=2", "spark-conf spark.executorEnv.OMP_NUM_THREADS=2",
        "fetch mnist", ""));
    // the command line overrides the file, as for the run itself
    assertThat(launch("bench", "--conf", conf.toString(), "--threads-per-task", "1")).startsWith("env OMP_NUM_THREADS=1\n");
  }

  @Test
  void theDatasetToFetchIsTheOneTheCommandReadsFromData() {
    assertThat(launch("retrain", "--root", tmp.toString(), "--dataset", "fashion-mnist")).endsWith("fetch fashion-mnist\n");
    assertThat(launch("study", "--data", "data/fashion-mnist", "--dataset", "fashion-mnist")).endsWith("fetch fashion-mnist\n");
    assertThat(launch("train", "--data", tmp.toString())).doesNotContain("fetch");
    assertThat(launch("convert", "--data", "hdfs:///mnist")).doesNotContain("fetch");
    assertThat(launch("evaluate", "--model", "m", "--out", "o")).endsWith("fetch mnist\n");
    assertThat(launch("evaluate", "--model", "m", "--out", "o", "--images", "i", "--labels", "l")).doesNotContain("fetch");
    assertThat(launch("predict", "--model", "m", "--out", "o", "--images", "i")).doesNotContain("fetch");
  }

  @Test
  void argumentsTheCommandRefusesPrintNothingForTheCommandToReportThem() {
    assertThat(launch("train", "--epochs", "0")).isEmpty();
    assertThat(launch("train", "--no-such-option")).isEmpty();
    assertThat(launch("train", "--help")).isEmpty();
    CliRun unknown = execute("launch-settings", "launch-settings");
    assertThat(unknown.exitCode()).isEqualTo(MnistJob.BAD_INPUT);
    assertThat(unknown.err()).startsWith("mnist-job: launch-settings: 'launch-settings' is not a command that runs the job");
  }
}
