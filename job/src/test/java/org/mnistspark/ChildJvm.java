package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mnistspark.cli.MnistJob;

/**
 * The job in a JVM of its own, as a driver a test can kill -9: this test's classpath, Java 17
 * module flags and log configuration, its output in a log file the test watches.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** The command line that runs {@code mainClass} with {@code jvmOptions} (-Dkey=value ...). */
  public static List<String> java(List<String> jvmOptions, String mainClass) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    String root = System.getProperty("project.root", ".");
    cmd.addAll(List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=2G",
        "-Dlog4j2.configurationFile=" + Path.of(root, "conf", "log4j2.properties")));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        mainClass));
    return cmd;
  }

  /** Starts {@code mnist-job ARGS} with {@code jvmOptions}, stdout and stderr to {@code log}. */
  public static Process startJob(Path log, List<String> jvmOptions, String... args) throws IOException {
    List<String> cmd = java(jvmOptions, MnistJob.class.getName());
    cmd.addAll(Arrays.asList(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits until {@code log} contains {@code text}, failing with the log if the child exits first or time runs out. */
  public static void waitForLine(Process p, Path log, String text, int seconds) throws Exception {
    waitFor(p, log, () -> read(log).contains(text), "'" + text + "' in its log", seconds);
  }

  /** Waits until {@code file} exists, as {@link #waitForLine} does. */
  public static void waitForFile(Process p, Path log, Path file, int seconds) throws Exception {
    waitFor(p, log, () -> Files.exists(file), file.toString(), seconds);
  }

  /** kill -9, and returns the exit status (137). */
  public static int kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
    return p.exitValue();
  }

  public static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Process p, Path log, Condition done, String what, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.holds()) {
      assertThat(p.isAlive()).as("child exited early; its log:\n%s", read(log)).isTrue();
      assertThat(System.nanoTime()).as("%s within %d s; the child's log:\n%s", what, seconds, read(log)).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
