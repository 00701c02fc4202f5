package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.SubmitScripts.ROOT;
import static org.mnistspark.SubmitScripts.SMALL_RUN;
import static org.mnistspark.SubmitScripts.finish;
import static org.mnistspark.SubmitScripts.freePort;
import static org.mnistspark.SubmitScripts.logOf;
import static org.mnistspark.SubmitScripts.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnistspark.SubmitScripts.Result;
import org.mnistspark.cli.MnistJob;
import org.mnistspark.data.RealMnist;
import org.mnistspark.spark.SparkSetup;

/**
 * The job as users run it on a cluster: submit/standalone.sh starts a real standalone cluster (a
 * Master and 2 Worker JVMs, 1 core each, on 127.0.0.1) and submit/cluster.sh submits the
 * spark-submit jar to it. Runs in the integration-test phase, after the jar is built
 * ({@code mvn verify}); about 2 minutes on 2 cores. A worker or the master killed mid-training are
 * ChaosIT's faults, on its own cluster.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final Path RUN_DIR = ROOT.resolve("job/target/standalone-it");
  static final Path WORK = ROOT.resolve("job/target/cluster-it");
  static final SubmitScripts SCRIPTS = new SubmitScripts(RUN_DIR, WORK);
  /** The phase in which the fault tests kill an executor: the second of 4 averaging rounds. */
  static final String MID_TRAINING = "epoch 1/1, averaging round 2/4";
  /**
   * The executors log as Spark's defaults have them (INFO to stderr), and also write their task
   * starts and ends straight to {@value #TASKS_LOG} in their working folder: stderr reaches its
   * file through a pipe the Worker copies, so it can lag; a file the executor writes itself holds,
   * once the executor is stopped, everything it logged.
   */
  static final Path EXECUTOR_LOG4J = WORK.resolve("executor-log4j2.properties");
  static final String TASKS_LOG = "tasks.log";
  private static final List<String> EXECUTOR_LOGGING = List.of(
      "rootLogger.level = info", "rootLogger.appenderRef.stderr.ref = stderr",
      "appender.stderr.type = Console", "appender.stderr.name = stderr", "appender.stderr.target = SYSTEM_ERR",
      "appender.stderr.layout.type = PatternLayout", "appender.stderr.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n",
      "appender.tasks.type = File", "appender.tasks.name = tasks", "appender.tasks.fileName = " + TASKS_LOG,
      "appender.tasks.immediateFlush = true", "appender.tasks.bufferedIO = false",
      "appender.tasks.layout.type = PatternLayout", "appender.tasks.layout.pattern = %m%n",
      "logger.executor.name = org.apache.spark.executor.Executor", "logger.executor.level = info",
      "logger.executor.appenderRef.tasks.ref = tasks");

  static String master;

  @BeforeAll
  static void startClusterOfTwoWorkers() throws Exception {
    RealMnist.dir();
    Files.createDirectories(WORK);
    // the driver logs each averaging round at DEBUG, so a test can act in the middle of training
    Files.writeString(WORK.resolve("log4j2.properties"), Files.readString(ROOT.resolve("conf/log4j2.properties"))
        + "logger.rounds.name = org.mnistspark.train.ResidentAveragingTrainer\nlogger.rounds.level = debug\n");
    Files.writeString(EXECUTOR_LOG4J, String.join("\n", EXECUTOR_LOGGING) + "\n");
    startCluster();
  }

  /** A new cluster of a Master and 2 Workers, after stopping whatever this test's folder recorded. */
  static void startCluster() throws Exception {
    SCRIPTS.script(60, "submit/standalone.sh", "stop"); // leftovers of an interrupted earlier run
    int port = freePort();
    Result start = SCRIPTS.script(180, "submit/standalone.sh", "start", "--workers", "2", "--port", String.valueOf(port),
        "--webui-port", String.valueOf(freePort()));
    assertThat(start.code()).as("start; stderr: %s", start.err()).isZero();
    master = start.out().trim();
    assertThat(master).isEqualTo("spark://127.0.0.1:" + port);

    Result status = SCRIPTS.script(30, "submit/standalone.sh", "status");
    assertThat(status.code()).as(status.out()).isZero();
    assertThat(status.out()).contains("master " + master + ": alive", "workers alive: 2 of 2",
        "registered with the master: 2 alive worker(s), 2 core(s)");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    SCRIPTS.script(60, "submit/standalone.sh", "stop");
  }

  /**
   * Also the cluster's plain path: both workers' executors train, with conf/spark-cluster.properties.
   * An undisturbed submission of its own is SecureClusterIT's and ChaosIT's reference, not repeated here.
   */
  @Test
  @Order(1)
  void anExecutorKilledMidTrainingIsReplacedAndTheRunFinishesOnBothWorkers() throws Exception {
    Path out = WORK.resolve("executor-killed");
    Killed killed = submitAndKillAnExecutor(out, List.of());
    assertThat(killed.run.code()).as("cluster.sh exit code; stderr:\n%s", killed.run.err()).isZero();

    // the task that was running on it was lost and rerun, and the job said so
    assertThat(killed.run.err()).containsPattern("Lost task \\S+ in stage \\S+ \\(TID \\d+\\) \\(127.0.0.1 executor "
        + killed.executorId + "\\): ExecutorLostFailure");
    assertThat(killed.run.err()).contains("SparkSetup: executor " + killed.executorId + " lost (Command exited with code 137)");
    assertThat(killed.run.err()).contains("saved model.zip, metrics.json, evaluation.txt and report.html with 4 PNGs to " + out);

    JsonNode m = metrics(out);
    assertThat(m.at("/spark/master").asText()).isEqualTo(master);
    Map<String, Long> executors = executors(m);
    assertThat(executors).as("tasks per executor: the first two, the lost one among them").containsKeys("0", "1")
        .containsKey(killed.executorId);
    assertThat(executors.values()).allSatisfy(tasks -> assertThat(tasks).isPositive());
    assertThat(m.at("/test/accuracy").asDouble()).as("test accuracy after losing an executor")
        .isGreaterThan(SubmitScripts.SMALL_RUN_ACCURACY);

    // conf/spark-cluster.properties reached both workers' executors (the replacement too), with
    // SparkSetup's flag appended, not instead
    for (int w = 1; w <= 2; w++) {
      String launch = Files.readString(RUN_DIR.resolve("worker-" + w + ".log")).lines()
          .filter(l -> l.contains("Launch command:") && l.contains("CoarseGrainedExecutorBackend")).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no executor launched by worker"));
      assertThat(launch).contains("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxbytes=768m",
          "-Dorg.eclipse.deeplearning4j.helpers.disable=false", "-Xmx1024M");
    }
  }

  @Test
  @Order(2)
  void whenSparkGivesUpOnALostTaskTheRunFailsCleanlyAndWritesNothing() throws Exception {
    Path out = WORK.resolve("aborted");
    Killed killed = submitAndKillAnExecutor(out, List.of("--spark-conf", "spark.task.maxFailures=1"));
    assertThat(killed.run.code()).as("exit code FAILED; stderr:\n%s", killed.run.err()).isEqualTo(MnistJob.FAILED);
    assertThat(killed.run.err()).contains("mnist-job: failed: " + TrainingFailedException.class.getName()
        + ": Spark aborted the training", "; nothing was written to " + out, "ExecutorLostFailure");
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(WORK)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".aborted"));
    }
  }

  @Test
  @Order(3)
  void stopEndsExactlyTheRecordedProcessesAndIsSafeTwice() throws Exception {
    List<Long> recorded = new ArrayList<>();
    try (Stream<Path> s = Files.list(RUN_DIR)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".pid")).toList()) {
        recorded.add(Long.parseLong(Files.readString(p).trim()));
      }
    }
    assertThat(recorded).as("master + 2 workers recorded").hasSize(3);
    assertThat(recorded).allSatisfy(pid -> assertThat(running(pid)).as("pid %d running", pid).isTrue());

    List<String> workers = workerAddresses();
    Result stop = SCRIPTS.script(90, "submit/standalone.sh", "stop");
    assertThat(stop.code()).isZero();
    assertThat(stop.err()).contains("stopped 3 process(es)");
    for (long pid : recorded) {
      assertThat(running(pid)).as("pid %d still running", pid).isFalse();
    }
    for (String worker : workers) {
      assertThat(processesWith("CoarseGrainedExecutorBackend", "spark://Worker@" + worker + "\0"))
          .as("executors of worker %s", worker).isEmpty();
    }

    Result again = SCRIPTS.script(60, "submit/standalone.sh", "stop");
    assertThat(again.code()).isZero();
    assertThat(again.err()).contains("stopped 0 process(es)");
    assertThat(SCRIPTS.script(30, "submit/standalone.sh", "status").code()).as("status of a stopped cluster").isEqualTo(3);
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Waits until the submitted run is in its second averaging round; returns its application id. */
  private static String midTraining(Process driver, Path out) throws Exception {
    Path err = logOf(out, "err");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.readString(err).contains(MID_TRAINING)) {
      assertThat(driver.isAlive()).as("driver alive; stderr:\n%s", Files.readString(err)).isTrue();
      assertThat(System.nanoTime()).as("training reached round 2 in 300 s").isLessThan(deadline);
      Thread.sleep(50);
    }
    Matcher app = Pattern.compile("application (app-[0-9-]+)").matcher(Files.readString(err));
    assertThat(app.find()).as("application id in the driver log").isTrue();
    return app.group(1);
  }

  record Killed(Result run, String executorId) {}

  private static Process startSubmit(Path out, List<String> extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--master", master, "--spark-conf",
        "spark.executor.defaultJavaOptions=-Dlog4j2.configurationFile=" + EXECUTOR_LOG4J.toUri()));
    args.addAll(SMALL_RUN);
    args.addAll(extra);
    return SCRIPTS.env("LOG4J_CONF", WORK.resolve("log4j2.properties").toString()).startSubmit(out, args);
  }

  /**
   * Submits the small run, and once it starts its second averaging round kills (SIGKILL) one of the
   * application's executors while it is running a task whose result it has not sent.
   */
  private static Killed submitAndKillAnExecutor(Path out, List<String> extra) throws Exception {
    Process driver = startSubmit(out, extra);
    try {
      String app = midTraining(driver, out);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      List<Long> pids = new ArrayList<>();
      for (String worker : workerAddresses()) {
        // app ids are only unique per master, so match this cluster's workers too
        pids.addAll(processesWith("CoarseGrainedExecutorBackend", "--app-id\0" + app + "\0",
            "spark://Worker@" + worker + "\0"));
      }
      assertThat(pids).as("executor JVMs of %s", app).hasSize(2);
      long victim = pids.get(0);
      String executorId = argAfter(victim, "--executor-id");
      assertThat(environment(victim)).as("executor environment").contains("OMP_NUM_THREADS=1");

      stopWhileRunningATask(victim, findExecutorFolder(app, executorId).resolve(TASKS_LOG), deadline);
      ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
      return new Killed(finish(driver, out, 400), executorId);
    } finally {
      driver.destroyForcibly();
    }
  }

  private static Map<String, Long> executors(JsonNode m) {
    Map<String, Long> out = new TreeMap<>();
    m.at("/spark/executors").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  /**
   * Stops (SIGSTOP) executor {@code pid} at a moment when {@code tasksLog}, which it writes itself,
   * shows a task started and not finished. Spark logs a task's end before it sends the result, so
   * such a task's result never reached the driver, and killing the stopped executor loses it. A
   * task that ended while the executor was being stopped lets it go on (SIGCONT) to the next one.
   */
  private static void stopWhileRunningATask(long pid, Path tasksLog, long deadline) throws Exception {
    while (true) {
      while (!Files.exists(tasksLog) || runningTasks(Files.readString(tasksLog)).isEmpty()) {
        assertThat(System.nanoTime()).as("executor %d ran a task", pid).isLessThan(deadline);
        Thread.sleep(20);
      }
      signal("STOP", pid);
      while (!stopped(pid)) {
        assertThat(System.nanoTime()).as("executor %d stopped", pid).isLessThan(deadline);
        Thread.sleep(5);
      }
      if (!runningTasks(Files.readString(tasksLog)).isEmpty()) {
        return;
      }
      signal("CONT", pid);
    }
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %d", name, pid).isZero();
  }

  /** Whether every thread of process {@code pid} is stopped (state T in /proc/PID/task/TID/stat). */
  private static boolean stopped(long pid) throws IOException {
    try (Stream<Path> threads = Files.list(Paths.get("/proc", String.valueOf(pid), "task"))) {
      return threads.allMatch(t -> {
        try {
          String stat = Files.readString(t.resolve("stat"));
          return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
        } catch (IOException e) {
          return true; // a thread that ended
        }
      });
    }
  }

  /** The ids of the tasks the executor log shows started and not finished. */
  static Set<String> runningTasks(String executorLog) {
    Set<String> started = new HashSet<>();
    Matcher running = Pattern.compile("Running task .* \\(TID (\\d+)\\)").matcher(executorLog);
    while (running.find()) {
      started.add(running.group(1));
    }
    Matcher finished = Pattern.compile("Finished task .* \\(TID (\\d+)\\)").matcher(executorLog);
    while (finished.find()) {
      started.remove(finished.group(1));
    }
    return started;
  }

  /** host:port of each worker of this cluster, from its log. */
  private static List<String> workerAddresses() throws IOException {
    List<String> out = new ArrayList<>();
    for (int w = 1; w <= 2; w++) {
      Matcher m = Pattern.compile("Starting Spark worker (127\\.0\\.0\\.1:\\d+)")
          .matcher(Files.readString(RUN_DIR.resolve("worker-" + w + ".log")));
      assertThat(m.find()).as("worker %d's address in its log", w).isTrue();
      out.add(m.group(1));
    }
    return out;
  }

  /** The working folder of executor {@code executorId} of {@code appId}: its stderr and tasks log are there. */
  private static Path findExecutorFolder(String appId, String executorId) throws IOException {
    for (int w = 1; w <= 2; w++) {
      Path p = RUN_DIR.resolve("worker-" + w).resolve(appId).resolve(executorId);
      if (Files.exists(p.resolve("stderr"))) {
        return p;
      }
    }
    throw new AssertionError("no stderr of executor " + executorId + " of " + appId + " under " + RUN_DIR);
  }

  /** PIDs of the processes whose NUL-separated command line contains every one of {@code parts}. */
  static List<Long> processesWith(String... parts) {
    return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(pid -> {
      String cmdline = commandLine(pid);
      return Stream.of(parts).allMatch(cmdline::contains);
    }).sorted().toList();
  }

  /**
   * Whether process {@code pid} exists and has not exited. An exited process whose parent has not
   * reaped it yet (a zombie: state Z in /proc/PID/stat) counts as ended.
   */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Paths.get("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static List<String> environment(long pid) throws IOException {
    return List.of(new String(Files.readAllBytes(Paths.get("/proc", String.valueOf(pid), "environ")),
        StandardCharsets.UTF_8).split("\0"));
  }

  private static String argAfter(long pid, String option) {
    List<String> args = List.of(commandLine(pid).split("\0"));
    int i = args.indexOf(option);
    assertThat(i).as("%s in the command line of %d", option, pid).isNotNegative();
    return args.get(i + 1);
  }
}
