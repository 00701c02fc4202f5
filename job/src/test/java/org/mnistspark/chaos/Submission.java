package org.mnistspark.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.mnistspark.SubmitScripts;

/**
 * One submit/cluster.sh run of the chaos run: its driver is the process started here (the script
 * execs it), its stdout and stderr go to files named after it.
 */
final class Submission {
  /** A run on this cluster takes 1-3 minutes; one that takes this long is hung. */
  private static final long LIMIT_SECONDS = 900;

  private final String name;
  private final Process process;
  private final Path err;
  private final Path out;

  private Submission(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code bash submit/cluster.sh --master MASTER ARGS...}, logging to {@code logs/NAME.std{out,err}}. */
  static Submission start(SubmitScripts scripts, Path logs, String name, String master, List<String> args)
      throws IOException {
    Files.createDirectories(logs);
    List<String> cmd = new ArrayList<>(List.of("bash", "submit/cluster.sh", "--master", master));
    cmd.addAll(args);
    Path out = logs.resolve(name + ".stdout");
    Path err = logs.resolve(name + ".stderr");
    Process p = scripts.processBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new Submission(name, p, out, err);
  }

  String name() {
    return name;
  }

  /** Waits until the driver's log contains {@code text}; false if it ended first. */
  boolean awaitLog(String text) throws InterruptedException {
    return await(() -> log().contains(text));
  }

  /** Waits until {@code condition} holds; false if the run ended first. */
  boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** kill -9 of the driver JVM. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  /** Waits for the run to end and returns its exit code; a run that hangs is killed (exit 137). */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(60, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  String log() {
    return read(err);
  }

  String stdout() {
    return read(out);
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
