package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnistspark.cli.CliRun.assertBadInput;
import static org.mnistspark.cli.CliRun.execute;
import static org.mnistspark.cli.CliRun.refusal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mnistspark.config.BenchConfig;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.Settings;
import org.mnistspark.config.Trainer;
import picocli.CommandLine;

/** The options made from the settings tree: which command takes which, their help, and their checks. */
class SettingsOptionsTest {
  @TempDir Path tmp;

  private static Settings resolve(String... args) {
    CommandLine cl = MnistJob.commandLine();
    cl.parseArgs(args);
    return ((Configurable) cl.getSubcommands().get(args[0]).getCommand()).settings().resolve();
  }

  private static List<String> keys(String command) {
    return ((Configurable) MnistJob.commandLine().getSubcommands().get(command).getCommand()).settings().keys();
  }

  @Test
  void eachCommandTakesTheJobBlockAndItsOwn() {
    assertThat(keys("train")).hasSize(JobConfig.class.getRecordComponents().length + 2).contains("epochs", "keep-checkpoints",
        "table.label-column", "table.image-column").filteredOn(k -> k.contains(".")).allMatch(k -> k.startsWith("table."));
    assertThat(keys("convert")).containsExactly("master", "dataset", "data", "out", "train-limit");
    assertThat(keys("retrain")).contains("epochs", "retrain.root", "retrain.floor", "table.label-column", "table.image-column")
        .noneMatch(k -> k.startsWith("study."));
    assertThat(keys("study")).contains("epochs", "study.seeds", "study.scalings", "study.thresholds", "study.optimizers")
        .noneMatch(k -> k.startsWith("bench.") || k.startsWith("retrain."));
    assertThat(keys("bench")).contains("epochs", "bench.thresholds", "bench.seeds", "bench.batch-sizes")
        .hasSize(JobConfig.class.getRecordComponents().length + BenchConfig.class.getRecordComponents().length);
    assertThat(keys("evaluate")).containsExactly("master", "data", "partitions", "threads-per-task", "eval-batch-size",
        "out-lock-wait", "table.label-column", "table.image-column");
    assertThat(keys("predict")).containsExactly("master", "partitions", "threads-per-task", "eval-batch-size",
        "out-lock-wait", "table.label-column", "table.image-column");
  }

  @Test
  void helpComesFromReferenceConfWithTheDefault() {
    CliRun help = execute("bench", "--help");
    assertThat(help.exitCode()).isZero();
    String text = help.out().replaceAll("\\s+", " ");
    assertThat(text).contains("--epochs=N Training epochs, count >= 1. Default: 4.")
        .contains("--seeds=N Runs of the default and of the baseline in the quality phase, count >= 1, with seeds seed, "
            + "seed + 1, ...; the report gives their median, minimum and maximum. Default: 3.")
        .contains("--keep-best-validation[=BOOL]").contains("--quick");
  }

  @Test
  void studyAndBenchSettingsComeFromTheFileAndTheCommandLine() throws Exception {
    Path conf = Files.writeString(tmp.resolve("s.conf"), "mnist { study { seeds = 5 }, bench { thresholds = \"0.98\", threads = \"2\" } }\n");
    Settings study = resolve("study", "--conf", conf.toString(), "--scalings", "minmax,none");
    assertThat(study.study().seeds()).isEqualTo(5);
    assertThat(study.study().scalingList()).extracting(Enum::name).containsExactly("MINMAX", "NONE");
    Settings bench = resolve("bench", "--conf", conf.toString(), "--seeds", "5");
    assertThat(bench.bench().thresholdList()).containsExactly(0.98);
    assertThat(bench.bench().threadList()).containsExactly(2);
    assertThat(bench.bench().seeds()).isEqualTo(5);
    assertThat(bench.bench().batchSizeList()).containsExactly(16, 32, 64, 128);
  }

  static Stream<Arguments> refusedBenchCommandLines() {
    return Stream.of(
        refusal("a batch size that is not a number", "mnist-job: Invalid value '32,x' for option '--batch-sizes': 'x' is "
            + "not a whole number", "--batch-sizes", "32,x"),
        refusal("zero threads", "mnist-job: Invalid value '0,2' for option '--threads': '0' is less than 1", "--threads", "0,2"),
        refusal("a batch size twice", "mnist-job: Invalid value '64,64' for option '--baseline-batch-sizes': names 64 twice",
            "--baseline-batch-sizes", "64,64"),
        refusal("thresholds in percent", "mnist-job: Invalid value '99,99.2' for option '--thresholds': must be accuracies "
            + "in (0, 1], rising, e.g. 0.98,0.99", "--thresholds", "99,99.2"),
        refusal("a negative rate", "mnist-job: Invalid value '0.001,-0.002' for option '--baseline-learning-rates': "
            + "'-0.002' is not a positive number", "--baseline-learning-rates", "0.001,-0.002"),
        refusal("no seeds", "mnist-job: Invalid value '0' for option '--seeds': must be at least 1", "--seeds", "0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBenchCommandLines")
  void badBenchOptionIsRefusedWithOneLine(String what, String[] options, String line) {
    CliRun.assertCommandRefused("bench", options, line);
  }

  @Test
  void aBadValueInTheFileNamesItsOption() throws Exception {
    Path conf = Files.writeString(tmp.resolve("b.conf"), "mnist.bench.throughput-images = 10\n");
    assertBadInput(execute("bench", "--conf", conf.toString()),
        "mnist-job: Invalid value '10' for option '--throughput-images': must be at least 100");
  }

  @Test
  void aSettingsRecordCannotHoldABadValue() {
    JobConfig defaults = JobConfig.load(null, Map.of());
    assertThatThrownBy(() -> defaults.withEpochs(0)).isInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid value '0' for option '--epochs': must be at least 1");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("trainer", "spark"))).isInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid value 'spark' for option '--trainer': must be one of resident, dl4j, single-jvm");
    assertThat(defaults.withEpochs(7)).isEqualTo(JobConfig.load(null, Map.of("epochs", 7)));
  }

  @Test
  void choicesAreEnumsThatReadAndListAsTheirSettingsNames() {
    JobConfig c = JobConfig.load(null, Map.of("trainer", "Single-JVM", "optimizer", "sgd"));
    assertThat(c.trainer()).isEqualTo(Trainer.SINGLE_JVM);
    assertThat(c.optimizer()).isEqualTo(Optimizer.SGD);
    // as metrics.json and checkpoints record them
    assertThat(c.asMap()).containsEntry("trainer", "single-jvm").containsEntry("optimizer", "sgd");
    assertThat(c.optimizer().updater(new org.nd4j.linalg.schedule.FixedSchedule(0.01)))
        .isInstanceOf(org.nd4j.linalg.learning.config.Sgd.class);
    assertBadInput(execute("study", "--optimizers", "adam,rmsprop"),
        "mnist-job: Invalid value 'adam,rmsprop' for option '--optimizers': 'rmsprop' is not one of adam, sgd");
  }
}
