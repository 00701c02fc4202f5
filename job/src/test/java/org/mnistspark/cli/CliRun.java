package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;
import org.mnistspark.spark.SparkSetup;
import picocli.CommandLine;

/**
 * One run of the job's command line in this JVM, as a user would start it: its exit code, what it
 * printed to stdout and stderr, and how many times it began to start Spark ({@link
 * SparkSetup#starts}). Every test that drives a command goes through here.
 */
public record CliRun(int exitCode, String out, String err, int sparkStarts) {

  /** Runs {@code args} (a subcommand and its options) through {@link MnistJob#commandLine}. */
  public static CliRun execute(String... args) {
    CommandLine cl = MnistJob.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int startsBefore = SparkSetup.starts();
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString(), SparkSetup.starts() - startsBefore);
  }

  /** As {@link #execute(String...)}. */
  public static CliRun execute(List<String> args) {
    return execute(args.toArray(String[]::new));
  }

  /** As {@link #execute(String...)}, failing with the run's stderr unless it exited 0. */
  public static CliRun succeeding(String... args) {
    return execute(args).assertSucceeded();
  }

  /** As {@link #succeeding(String...)}. */
  public static CliRun succeeding(List<String> args) {
    return succeeding(args.toArray(String[]::new));
  }

  /** Fails unless {@code run} was refused as bad input with {@code line}: see {@link #assertRefused}. */
  public static void assertBadInput(CliRun run, String line) {
    run.assertRefused(line);
  }

  /** A row of a refusal table: what the row shows, the one line the options are refused with, the options. */
  public static Arguments refusal(String what, String line, String... options) {
    return Arguments.of(what, options, line);
  }

  /** Runs {@code command} with {@code options} and checks it is refused as bad input with {@code line}. */
  public static void assertCommandRefused(String command, String[] options, String line) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(options));
    execute(args).assertRefused(line);
  }

  /** The lines of stderr. */
  public List<String> errLines() {
    return err.lines().toList();
  }

  /** Fails with stderr unless the run exited 0; returns this run. */
  public CliRun assertSucceeded() {
    assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
    return this;
  }

  /**
   * Fails unless the run was refused as bad input: exit code 2, {@code line} the only line on
   * stderr, nothing on stdout, and refused before Spark started ({@link #assertSparkNotStarted}).
   */
  public void assertRefused(String line) {
    assertThat(exitCode).as("exit code; stderr %s", err).isEqualTo(MnistJob.BAD_INPUT).isEqualTo(2);
    assertThat(errLines()).as("stderr").containsExactly(line);
    assertThat(out).as("stdout").isEmpty();
    assertSparkNotStarted();
  }

  /**
   * Fails unless the run never began to start Spark: the check that refused it came before Spark's
   * start. (Whether a context is active afterwards shows nothing: every command stops its own.)
   */
  public CliRun assertSparkNotStarted() {
    assertThat(sparkStarts).as("Spark starts during the run; stderr: %s", err).isZero();
    return this;
  }
}
