package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mnistspark.data.RealMnist;
import org.mnistspark.output.ModelStore;

/**
 * Runs the submit/ scripts as a user does, from the repository root, for the @Tag("cluster")
 * tests and the chaos run: submit/standalone.sh keeps its cluster in {@code runDir}, each submission's stdout and
 * stderr go next to its --out folder.
 */
public final class SubmitScripts {
  public static final Path ROOT = Paths.get(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  static final String MNIST = RealMnist.shortTestDir();
  /**
   * 2400 training images in 4 averaging rounds of 2 x 20 minibatches of 16 (the last round 2 x 15),
   * validated once, at the end: the cluster tests are about surviving, not the curve.
   */
  static final List<String> SMALL_TRAINING = List.of("--train-limit", "3000", "--epochs", "1",
      "--batch-size-per-worker", "16", "--averaging-frequency", "20", "--validations-per-epoch", "1");
  /**
   * What {@link #SMALL_TRAINING} must score on the short test set: it scored 0.896 on those 2,000
   * images (0.919 on all 10,000); a run that did not train scores about 0.1.
   */
  static final double SMALL_RUN_ACCURACY = 0.85;
  /** {@link #SMALL_TRAINING} on the local copy of MNIST with the short test set. */
  static final List<String> SMALL_RUN = Stream.concat(Stream.of("--data", MNIST), SMALL_TRAINING.stream()).toList();

  public record Result(int code, String out, String err) {}

  private final Path runDir;
  private final Path work;
  private final Map<String, String> env = new HashMap<>();

  public SubmitScripts(Path runDir, Path work) {
    this.runDir = runDir;
    this.work = work;
  }

  /** Sets an environment variable for every script this runs from now on. */
  public SubmitScripts env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public ProcessBuilder processBuilder(List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    // whatever the developer's shell has: always the Maven-classpath path of cluster.sh, no site
    // spark-defaults.conf, no secret, no real Hadoop cluster
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("SPARK_CONF_DIR");
    pb.environment().remove("MNIST_SPARK_SECRET_FILE");
    pb.environment().remove("HADOOP_CONF_DIR");
    pb.environment().remove("YARN_CONF_DIR");
    pb.environment().put("STANDALONE_DIR", runDir.toString());
    // the build under test has just made the jars; never start a nested Maven build
    pb.environment().put("SKIP_BUILD", "1");
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs {@code bash CMD...} to the end (at most {@code seconds}). */
  public Result script(int seconds, String... cmd) throws Exception {
    Files.createDirectories(work);
    Path out = Files.createTempFile(work, "script", ".out");
    Path err = Files.createTempFile(work, "script", ".err");
    List<String> full = new ArrayList<>(List.of("bash"));
    full.addAll(List.of(cmd));
    Process p = processBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("%s within %d s", String.join(" ", cmd), seconds).isTrue();
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Starts {@code bash submit/cluster.sh --out OUT ARGS...} after deleting OUT. */
  Process startSubmit(Path out, List<String> args) throws IOException {
    deleteRecursively(out);
    return startSubmit(out.toString(), out, args);
  }

  /**
   * Starts {@code bash submit/cluster.sh --out OUT ARGS...} for an OUT on any file system; stdout
   * and stderr go next to the local path {@code logs}, for {@link #finish}.
   */
  Process startSubmit(String out, Path logs, List<String> args) throws IOException {
    Files.createDirectories(logs.getParent());
    List<String> cmd = new ArrayList<>(List.of("bash", "submit/cluster.sh", "--out", out));
    cmd.addAll(args);
    return processBuilder(cmd).redirectOutput(logOf(logs, "out").toFile()).redirectError(logOf(logs, "err").toFile()).start();
  }

  /** Waits for a submission started by {@link #startSubmit}. */
  static Result finish(Process p, Path out, int seconds) throws Exception {
    boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String stderr = Files.readString(logOf(out, "err"));
    assertThat(done).as("finished within %d s; stderr:\n%s", seconds, stderr).isTrue();
    return new Result(p.exitValue(), Files.readString(logOf(out, "out")), stderr);
  }

  static Path logOf(Path out, String stream) {
    return out.resolveSibling(out.getFileName() + ".std" + stream);
  }

  static JsonNode metrics(Path out) throws IOException {
    return ModelStore.JSON.readTree(out.resolve(ModelStore.METRICS).toFile());
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
