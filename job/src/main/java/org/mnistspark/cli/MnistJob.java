package org.mnistspark.cli;

import com.typesafe.config.ConfigException;
import java.io.PrintWriter;
import org.mnistspark.bench.BenchCommand;
import org.mnistspark.config.Configurable;
import org.mnistspark.convert.ConvertCommand;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.retrain.RetrainCommand;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.study.StudyCommand;
import org.mnistspark.submit.SparkSettingException;
import org.mnistspark.use.EvaluateCommand;
import org.mnistspark.use.PredictCommand;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point for spark-submit and the submit/ scripts. */
@Command(name = "mnist-job", mixinStandardHelpOptions = true,
    description = "Distributed LeNet training on MNIST with Spark and DL4J.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, BenchCommand.class, RetrainCommand.class,
        StudyCommand.class, ConvertCommand.class, LaunchSettingsCommand.class})
public final class MnistJob {
  /** Exit code for bad options or bad input data. */
  public static final int BAD_INPUT = 2;
  /** Exit code for a run that failed for any other reason. */
  public static final int FAILED = 1;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with this job's exit-code and error conventions; tests call it too. */
  public static CommandLine commandLine() {
    SparkSetup.configureJvm();
    CommandLine cl = new CommandLine(new MnistJob());
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getCommand() instanceof Configurable c) {
        c.settings().addTo(sub.getCommandSpec());
      }
    }
    // everything after launch-settings' COMMAND is that command's, options included
    cl.getSubcommands().get(LaunchSettingsCommand.NAME).setStopAtPositional(true);
    cl.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("mnist-job: " + e.getMessage() + " (try --help)");
      err.flush();
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (isBadInput(e)) {
        err.println("mnist-job: " + e.getMessage());
        err.flush();
        return BAD_INPUT;
      }
      LoggerFactory.getLogger(MnistJob.class).error("run failed", e);
      err.println("mnist-job: failed: " + e);
      err.flush();
      return FAILED;
    });
    return cl;
  }

  /** Whether {@code e} means bad options or bad input (exit code 2) rather than a failed run (exit code 1). */
  public static boolean isBadInput(Throwable e) {
    return e instanceof InvalidOptionException || e instanceof InvalidInputException || e instanceof ConfigException
        || e instanceof SparkSettingException || e instanceof OutputFolder.NotAsWrittenException;
  }
}
