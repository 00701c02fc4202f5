package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.cli.CliRun.assertBadInput;
import static org.mnistspark.cli.CliRun.execute;
import static org.mnistspark.cli.CliRun.refusal;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mnistspark.cli.CliRun;
import org.mnistspark.config.StudyConfig;
import org.mnistspark.scale.Scaling;

/** The study's command line: bad options fail with exit code 2 and one line, before Spark starts. */
class StudyCommandTest {
  @TempDir Path tmp;

  /** A study command line and the one line it is refused with. */
  static Stream<Arguments> refusedCommandLines() {
    return Stream.of(
        refusal("unknown scaling", "mnist-job: Invalid value 'none,maxmin' for option '--scalings': 'maxmin' is not one "
            + "of none, minmax, standardize", "--scalings", "none,maxmin"),
        refusal("scaling named twice", "mnist-job: Invalid value 'minmax,none,MinMax' for option '--scalings': names "
            + "minmax twice", "--scalings", "minmax,none,MinMax"),
        refusal("zero seeds", "mnist-job: Invalid value '0' for option '--seeds': must be at least 1", "--seeds", "0"),
        refusal("a single scaling", "mnist-job: Invalid value 'none' for option '--scaling': a study compares "
            + "scalings; list them with --scalings", "--scaling", "none"),
        refusal("falling thresholds", "mnist-job: Invalid value '0.99,0.98' for option '--thresholds': must be "
            + "accuracies in (0, 1], rising, e.g. 0.98,0.99", "--thresholds", "0.99,0.98"),
        refusal("thresholds in percent", "mnist-job: Invalid value '98,99' for option '--thresholds': must be "
            + "accuracies in (0, 1], rising, e.g. 0.98,0.99", "--thresholds", "98,99"),
        refusal("a threshold that is not a number", "mnist-job: Invalid value '0.9,high' for option '--thresholds': "
            + "'high' is not a number", "--thresholds", "0.9,high"),
        refusal("a learning rate of 0", "mnist-job: Invalid value '0.001,0' for option '--learning-rates': '0' is not "
            + "a rate above 0", "--learning-rates", "0.001,0"),
        refusal("an unknown network variant", "mnist-job: Invalid value 'lenet,resnet' for option '--variants': 'resnet' "
            + "is not one of lenet, batchnorm-conv1, leaky-relu-conv2, conv1-init-over-255", "--variants", "lenet,resnet"),
        refusal("an empty folder to reuse", "mnist-job: Invalid value 'out/a,' for option '--reuse-from': an empty "
            + "folder name", "--reuse-from", "out/a,"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCommandLines")
  void badStudyOptionIsRefusedWithOneLine(String what, String[] options, String line) {
    CliRun.assertCommandRefused("study", options, line);
  }

  @Test
  void thresholdsParseWithSpaces() {
    assertThat(new StudyConfig(1, "minmax", "0.9, 0.95,1", "", "", "", "", "", false).thresholdList(List.of())).containsExactly(0.9, 0.95, 1.0);
  }

  @Test
  void learningRatesAndVariantsParseInTheirOrder() {
    StudyConfig c = new StudyConfig(1, "none,minmax", "", "", "0.0001, 0.003,1e-3", "LeNet,batchnorm-conv1", "a, b", "", false);
    assertThat(c.learningRateList()).containsExactly(0.0001, 0.003, 0.001);
    assertThat(c.variantList()).containsExactly("lenet", "batchnorm-conv1");
    assertThat(c.reuseFromList()).containsExactly("a", "b");
    assertThat(new StudyConfig(1, "none", "", "", "", "", "", "", false).learningRateList()).isEmpty();
  }

  @Test
  void thresholdsDefaultByDataset() {
    assertThat(StudyPlan.defaultThresholds("mnist")).containsExactly(0.98, 0.99);
    assertThat(StudyPlan.defaultThresholds("fashion-mnist")).containsExactly(0.88, 0.90);
  }

  @Test
  void missingDataFolderFailsBeforeSparkStartsAndWritesNothing() {
    Path out = tmp.resolve("study");
    CliRun run = execute("study", "--master", "local[2]", "--data", "/no/such/dir", "--out", out.toString());
    assertBadInput(run, "mnist-job: /no/such/dir: no such data folder (run submit/fetch-mnist.sh, or pass --data)");
    assertThat(out).doesNotExist();
  }

  @Test
  void scalingsKeepTheirOrderAndIgnoreCaseAndBlanks() {
    assertThat(new StudyConfig(1, "standardize, NONE", "", "", "", "", "", "", false).scalingList()).containsExactly(Scaling.STANDARDIZE, Scaling.NONE);
  }

  @Test
  void defaultFolderIsStudyBesideTheConfiguredOutputFolder() {
    for (List<String> c : List.of(
        List.of("out/latest", "out/study"),
        List.of("/data/runs/latest", "/data/runs/study"),
        List.of("hdfs://nn:8020/models/latest", "hdfs://nn:8020/models/study"),
        List.of("latest", "study"))) {
      assertThat(StudyCommand.defaultFolder(c.get(0))).as(c.get(0)).isEqualTo(c.get(1));
    }
  }
}
