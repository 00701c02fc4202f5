package org.mnistspark.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import org.mnistspark.SubmitScripts;

/**
 * The standalone cluster of the chaos run, started and stopped with submit/standalone.sh (a Master
 * and two Workers of one core each), and the processes a fault kills in it.
 */
final class ChaosCluster implements AutoCloseable {
  private final SubmitScripts scripts;
  private final Path runDir;
  private String master;

  ChaosCluster(SubmitScripts scripts, Path runDir) {
    this.scripts = scripts;
    this.runDir = runDir;
  }

  String master() {
    return master;
  }

  /** Stops whatever this folder recorded, then starts a new cluster; its master URL is {@link #master()}. */
  void restart() throws Exception {
    scripts.script(120, "submit/standalone.sh", "stop");
    SubmitScripts.Result start = scripts.script(240, "submit/standalone.sh", "start", "--workers", "2",
        "--port", String.valueOf(SubmitScripts.freePort()), "--webui-port", String.valueOf(SubmitScripts.freePort()));
    if (start.code() != 0) {
      throw new IOException("submit/standalone.sh start failed:\n" + start.err());
    }
    master = start.out().trim();
  }

  /** Whether the master and both workers are alive (status exit code 0). */
  boolean healthy() throws Exception {
    return scripts.script(60, "submit/standalone.sh", "status").code() == 0;
  }

  long masterPid() throws IOException {
    return pidIn("master.pid");
  }

  long workerPid(int worker) throws IOException {
    return pidIn("worker-" + worker + ".pid");
  }

  /** The executor JVM worker {@code worker} runs now, if any: a child process of the Worker. */
  Optional<Long> executorOf(int worker) throws IOException {
    return ProcessHandle.of(workerPid(worker)).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid)
        .filter(pid -> commandLine(pid).contains("CoarseGrainedExecutorBackend")).findFirst();
  }

  /** kill -9 of each of {@code pids}. */
  static void kill(List<Long> pids) {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private long pidIn(String file) throws IOException {
    return Long.parseLong(Files.readString(runDir.resolve(file)).trim());
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Paths.get("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws Exception {
    scripts.script(120, "submit/standalone.sh", "stop");
  }
}
