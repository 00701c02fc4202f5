package org.mnistspark.cli;

import com.typesafe.config.ConfigException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * What the submit/ scripts need before they start a JVM for a command, resolved as the command
 * resolves its settings (reference.conf, then --conf, then the command line), so that no script
 * reads a job option itself. One setting a line:
 * <pre>
 *   env OMP_NUM_THREADS=N                           for the JVM that runs the driver
 *   spark-conf spark.task.cpus=N                    for spark-submit
 *   spark-conf spark.executorEnv.OMP_NUM_THREADS=N  for spark-submit
 *   fetch mnist                                     the dataset to fetch, when the command reads it from data/DATASET
 * </pre>
 * Arguments the command refuses print nothing: the command itself reports them when it runs.
 */
@Command(name = LaunchSettingsCommand.NAME, mixinStandardHelpOptions = true,
    description = "For the submit/ scripts: print the launch settings (native threads, Spark's task cores, the "
        + "dataset to fetch) of COMMAND with these arguments, one per line.")
final class LaunchSettingsCommand implements Callable<Integer> {
  static final String NAME = "launch-settings";

  @Parameters(index = "0", paramLabel = "COMMAND", description = "train, evaluate, predict, bench, retrain, study or convert")
  String command;

  @Parameters(index = "1..*", paramLabel = "ARG", description = "the command's arguments")
  List<String> args = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine target = spec.parent().subcommands().get(command);
    if (target == null || !(target.getCommand() instanceof Configurable configurable)) {
      throw new CommandLine.ParameterException(spec.commandLine(), NAME + ": '" + command + "' is not a command that runs the job");
    }
    ParseResult parsed;
    JobConfig job;
    try {
      parsed = target.parseArgs(args.toArray(String[]::new));
      if (target.isUsageHelpRequested() || target.isVersionHelpRequested()) {
        return 0;
      }
      job = configurable.settings().resolve().job();
    } catch (CommandLine.ParameterException | InvalidOptionException | ConfigException e) {
      return 0;
    }
    PrintWriter out = spec.commandLine().getOut();
    lines(job, parsed.hasMatchedOption("--images")).forEach(out::println);
    out.flush();
    return 0;
  }

  /** The launch settings of {@code job}; {@code imagesGiven}: the command reads the images it was given, not data/. */
  static List<String> lines(JobConfig job, boolean imagesGiven) {
    // one native pool per task: a task claims as many cores as its pool has threads
    String threads = String.valueOf(job.threadsPerTask());
    List<String> lines = new ArrayList<>(List.of("env OMP_NUM_THREADS=" + threads, "spark-conf spark.task.cpus=" + threads,
        "spark-conf spark.executorEnv.OMP_NUM_THREADS=" + threads));
    if (!imagesGiven && job.readsFetchedData()) {
      lines.add("fetch " + job.dataset());
    }
    return lines;
  }
}
