package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.cli.CliRun.assertBadInput;
import static org.mnistspark.cli.CliRun.execute;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.config.RetrainConfig;
import picocli.CommandLine;

/** The retrain command line: its settings, and bad input rejected with exit code 2 before anything runs. */
class RetrainOptionsTest {
  @TempDir Path tmp;

  private static RetrainConfig resolve(String... args) {
    CommandLine cl = MnistJob.commandLine();
    cl.parseArgs(args);
    RetrainCommand c = cl.getSubcommands().get("retrain").getCommand();
    return c.settings().resolve().retrain();
  }

  @Test
  void defaultsComeFromReferenceConf() {
    assertThat(resolve("retrain", "--root", "/r")).isEqualTo(new RetrainConfig("/r", 0.005, 0.95, 10, 0, 60, 21600));
  }

  @Test
  void optionsOverrideTheFile() throws Exception {
    Path conf = Files.writeString(tmp.resolve("r.conf"),
        "mnist.retrain { root = \"hdfs://nn:8020/models/mnist\", floor = 0.97, keep-runs = 4 }\n");
    assertThat(resolve("retrain", "--conf", conf.toString(), "--keep-runs", "2", "--lock-wait", "60", "--tolerance", "0",
        "--lock-lease", "30", "--timeout", "0"))
        .isEqualTo(new RetrainConfig("hdfs://nn:8020/models/mnist", 0, 0.97, 2, 60, 30, 0));
  }

  @Test
  void typoInTheRetrainBlockIsRefusedBeforeTheRootIsTouched() throws Exception {
    Path conf = Files.writeString(tmp.resolve("x.conf"), "mnist {\n  retrain { flor = 0.99 }\n}\n");
    Path root = tmp.resolve("root");
    assertBadInput(execute("retrain", "--conf", conf.toString(), "--root", root.toString()),
        "mnist-job: " + conf + ": unknown key mnist.retrain.flor (did you mean mnist.retrain.floor?)");
    assertThat(root).doesNotExist();
  }

  /** docs/operating.md's retrain block written at the top of the file, where nothing reads it: refused, not ignored. */
  @Test
  void theRetrainBlockOutsideMnistIsRefusedBeforeTheRootIsTouched() throws Exception {
    Path conf = Files.writeString(tmp.resolve("top.conf"), "retrain {\n  floor = 0.99\n  keep-runs = 3\n}\n");
    Path root = tmp.resolve("root");
    assertBadInput(execute("retrain", "--conf", conf.toString(), "--root", root.toString()),
        "mnist-job: " + conf + ": top-level key retrain is outside the mnist block, which holds every setting "
            + "(did you mean mnist.retrain?)");
    assertThat(root).doesNotExist();
  }

  @Test
  void rootIsRequired() {
    assertBadInput(execute("retrain"), "mnist-job: Invalid value '' for option '--root': must be given: the folder "
        + "(any Hadoop path) that holds runs/, production and history.jsonl");
  }

  @Test
  void toleranceOutOfRange() {
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--tolerance", "1"),
        "mnist-job: Invalid value '1.0' for option '--tolerance': must lie in [0, 1): an accuracy fraction, "
            + "e.g. 0.005 for half a point");
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--tolerance", "-0.1"),
        "mnist-job: Invalid value '-0.1' for option '--tolerance': must lie in [0, 1): an accuracy fraction, "
            + "e.g. 0.005 for half a point");
  }

  @Test
  void floorGivenAsAPercentage() {
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--floor", "95"),
        "mnist-job: Invalid value '95.0' for option '--floor': must lie in [0, 1]: an accuracy fraction, e.g. 0.95");
  }

  @Test
  void keepRunsAndLockWait() {
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--keep-runs", "0"),
        "mnist-job: Invalid value '0' for option '--keep-runs': must be at least 1");
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--lock-wait", "-1"),
        "mnist-job: Invalid value '-1' for option '--lock-wait': must be at least 0");
  }

  @Test
  void lockLeaseAndTimeout() {
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--lock-lease", "2"),
        "mnist-job: Invalid value '2' for option '--lock-lease': must be at least 3");
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--timeout", "-5"),
        "mnist-job: Invalid value '-5' for option '--timeout': must be at least 0");
  }

  @Test
  void outDoesNotApply() {
    assertBadInput(execute("retrain", "--root", tmp.toString(), "--out", "/x"),
        "mnist-job: Invalid value '/x' for option '--out': does not apply to retrain, which writes each run to "
            + "--root/runs/<UTC time>");
  }

  @Test
  void rootThatIsAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    assertBadInput(execute("retrain", "--root", file.toString()),
        "mnist-job: Invalid value 'file:" + file + "' for option '--root': is a file; this job writes a folder there "
            + "and never replaces what it did not write");
  }

  @Test
  void badJobOptionIsRejectedBeforeTheRootIsTouched() {
    Path root = tmp.resolve("root");
    assertBadInput(execute("retrain", "--root", root.toString(), "--epochs", "0"),
        "mnist-job: Invalid value '0' for option '--epochs': must be at least 1");
    assertThat(root).doesNotExist();
  }
}
