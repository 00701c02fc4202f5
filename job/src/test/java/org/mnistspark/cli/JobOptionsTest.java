package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.cli.CliRun.assertBadInput;
import static org.mnistspark.cli.CliRun.execute;
import static org.mnistspark.cli.CliRun.refusal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mnistspark.config.Decay;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.Trainer;
import org.mnistspark.scale.Scaling;
import picocli.CommandLine;

/** The command line as a user meets it: exit codes, one-line errors, and how options resolve. */
class JobOptionsTest {
  @TempDir Path tmp;

  /** The configuration the train command would run with. */
  private static JobConfig resolve(String... args) {
    CommandLine cl = MnistJob.commandLine();
    cl.parseArgs(args);
    TrainCommand train = cl.getSubcommands().get("train").getCommand();
    return train.settings().resolve().job();
  }

  /** A command line and the one line it is refused with. */
  static Stream<Arguments> refusedCommandLines() {
    return Stream.of(
        refusal("unknown option", "mnist-job: Unknown options: '--bogus', '1' (try --help)", "--bogus", "1"),
        refusal("misspelt option", "mnist-job: Unknown options: '--epoch', '1' (try --help)", "--epoch", "1"),
        refusal("unparsable number", "mnist-job: Invalid value for option '--epochs': 'many' is not an int (try --help)",
            "--epochs", "many"),
        refusal("zero epochs", "mnist-job: Invalid value '0' for option '--epochs': must be at least 1", "--epochs", "0"),
        refusal("unknown scaling",
            "mnist-job: Invalid value 'foo' for option '--scaling': must be one of none, minmax, standardize",
            "--scaling", "foo"),
        refusal("validation fraction out of range",
            "mnist-job: Invalid value '1.0' for option '--validation-fraction': must lie strictly between 0 and 1",
            "--validation-fraction", "1"),
        refusal("missing conf file", "mnist-job: Invalid value '/no/such/file' for option '--conf': no such file",
            "--conf", "/no/such/file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCommandLines")
  void badTrainOptionIsRefusedWithOneLine(String what, String[] options, String line) {
    CliRun.assertCommandRefused("train", options, line);
  }

  @Test
  void badValueInConfFileNamesTheOption() throws Exception {
    Path conf = Files.writeString(tmp.resolve("bad.conf"), "mnist { batch-size-per-worker = -1 }\n");
    assertBadInput(execute("train", "--conf", conf.toString()),
        "mnist-job: Invalid value '-1' for option '--batch-size-per-worker': must be at least 0");
  }

  @Test
  void aGrowingAveragingPeriodNeedsTheResidentTrainer() {
    assertBadInput(execute("train", "--trainer", "dl4j", "--averaging-growth", "2"),
        "mnist-job: Invalid value '2' for option '--averaging-growth': only the resident trainer changes its averaging "
            + "period; the dl4j trainer needs 1");
  }

  @Test
  void typoInConfFileIsRefusedWithTheKeyItResembles() throws Exception {
    Path conf = Files.writeString(tmp.resolve("typo.conf"), "mnist {\n  epoch = 3\n}\n");
    assertBadInput(execute("train", "--conf", conf.toString()),
        "mnist-job: " + conf + ": unknown key mnist.epoch (did you mean mnist.epochs?)");
  }

  @Test
  void keyInTheWrongBlockIsRefused() throws Exception {
    Path conf = Files.writeString(tmp.resolve("block.conf"), "mnist.floor = 0.99\n");
    Path out = tmp.resolve("out");
    assertBadInput(execute("train", "--conf", conf.toString(), "--out", out.toString()),
        "mnist-job: " + conf + ": unknown key mnist.floor (did you mean mnist.retrain.floor?)");
    assertThat(out).doesNotExist();
  }

  @Test
  void misspeltMnistBlockIsRefused() throws Exception {
    Path conf = Files.writeString(tmp.resolve("mnsit.conf"), "mnsit {\n  epochs = 3\n}\n");
    Path out = tmp.resolve("out");
    assertBadInput(execute("train", "--conf", conf.toString(), "--out", out.toString()),
        "mnist-job: " + conf + ": top-level key mnsit is outside the mnist block, which holds every setting "
            + "(did you mean mnist?)");
    assertThat(out).doesNotExist();
  }

  @Test
  void confFileNamedRelativeIsNamedAsGiven() throws Exception {
    Path conf = Files.writeString(Files.createDirectories(Path.of("target/conf-keys")).resolve("x.conf"),
        "mnist { retrain { flor = 0.99 } }\n");
    assertBadInput(execute("train", "--conf", "target/conf-keys/x.conf"),
        "mnist-job: target/conf-keys/x.conf: unknown key mnist.retrain.flor (did you mean mnist.retrain.floor?)");
    Files.delete(conf);
  }

  /**
   * Nothing outside the mnist block is read, so a key there is refused, even one meant only for
   * substitution; environment variables still substitute.
   */
  @Test
  void keysOutsideMnistAreRefusedAndTheEnvironmentStillSubstitutes() throws Exception {
    Path vars = Files.writeString(tmp.resolve("vars.conf"), "base = \"/d\"\nmnist { data = ${base}\"/mnist\" }\n");
    assertBadInput(execute("train", "--conf", vars.toString()),
        "mnist-job: " + vars + ": top-level key base is outside the mnist block, which holds every setting");
    Path env = Files.writeString(tmp.resolve("env.conf"), "mnist { data = ${HOME}\"/mnist\" }\n");
    assertThat(resolve("train", "--conf", env.toString()).data()).isEqualTo(System.getenv("HOME") + "/mnist");
  }

  @Test
  void missingDataFolderFailsBeforeSparkStarts() {
    Path out = tmp.resolve("out");
    CliRun run = execute("train", "--master", "local[2]", "--data", "/no/such/dir", "--out", out.toString());
    assertBadInput(run, "mnist-job: /no/such/dir: no such data folder (run submit/fetch-mnist.sh, or pass --data)");
    assertThat(out).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void referenceDefaults() {
    JobConfig c = resolve("train");
    assertThat(c).isEqualTo(new JobConfig("", "mnist", "data/mnist", "out/latest", 4, Scaling.MINMAX, 0, 0.2, 0, 0, 0,
        1, 2, 42, 0.002, Decay.COSINE, 0.05, 0.25, 1, "MEMORY_ONLY_SER", 500, Trainer.RESIDENT, 4, 0.0, 0.0, false, Optimizer.ADAM, "lenet", 0, 1, 2, 0));
  }

  @Test
  void optionsOverrideTheFileAndTheFileOverridesTheReference() throws Exception {
    Path conf = Files.writeString(tmp.resolve("run.conf"), String.join("\n",
        "mnist {",
        "  master = \"local[3]\"",
        "  epochs = 7",
        "  scaling = standardize",
        "  batch-size-per-worker = 16",
        "  learning-rate = 0.01",
        "  storage-level = memory_only",
        "}",
        ""));
    JobConfig c = resolve("train", "--conf", conf.toString(), "--epochs", "3", "--seed", "9",
        "--learning-rate", "0.005", "--data", "file:///d", "--train-limit", "600");

    // the command line beats the file
    assertThat(c.epochs()).isEqualTo(3);
    assertThat(c.learningRate()).isEqualTo(0.005);
    assertThat(c.seed()).isEqualTo(9);
    assertThat(c.data()).isEqualTo("file:///d");
    assertThat(c.trainLimit()).isEqualTo(600);
    // the file beats reference.conf
    assertThat(c.master()).isEqualTo("local[3]");
    assertThat(c.scaling()).isEqualTo(Scaling.STANDARDIZE);
    assertThat(c.batchSizePerWorker()).isEqualTo(16);
    assertThat(c.storageLevel()).isEqualTo("MEMORY_ONLY");
    // reference.conf fills the rest
    assertThat(c.out()).isEqualTo("out/latest");
    assertThat(c.validationFraction()).isEqualTo(0.2);
    assertThat(c.averagingFrequency()).isZero();
    assertThat(c.prefetch()).isEqualTo(2);
    assertThat(c.evalBatchSize()).isEqualTo(500);
    assertThat(c.dataset()).isEqualTo("mnist");

    assertThat(c).isEqualTo(new JobConfig("local[3]", "mnist", "file:///d", "out/latest", 3, Scaling.STANDARDIZE, 600,
        0.2, 0, 16, 0, 1, 2, 9, 0.005, Decay.COSINE, 0.05, 0.25, 1, "MEMORY_ONLY", 500, Trainer.RESIDENT, 4, 0.0, 0.0, false, Optimizer.ADAM, "lenet", 0, 1, 2, 0));
  }

  @Test
  void dataFolderFollowsTheDatasetUnlessGiven() {
    assertThat(resolve("train").data()).isEqualTo("data/mnist");
    assertThat(resolve("train", "--dataset", "fashion-mnist").data()).isEqualTo("data/fashion-mnist");
    assertThat(resolve("train", "--dataset", "fashion-mnist", "--data", "/d").data()).isEqualTo("/d");
    assertThat(resolve("train", "--dataset", "fashion-mnist").withEpochs(1).data()).isEqualTo("data/fashion-mnist");
  }

  @Test
  void asMapRoundTripsThroughWith() {
    JobConfig c = resolve("train", "--epochs", "2", "--scaling", "none");
    assertThat(c.withEpochs(2)).isEqualTo(c);
    assertThat(c.withEpochs(5).epochs()).isEqualTo(5);
    assertThat(c.asMap()).containsEntry("scaling", "none").containsEntry("epochs", 2);
  }
}
