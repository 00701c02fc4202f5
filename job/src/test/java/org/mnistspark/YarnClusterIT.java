package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnistspark.SubmitScripts.MNIST;
import static org.mnistspark.SubmitScripts.ROOT;
import static org.mnistspark.SubmitScripts.SMALL_TRAINING;
import static org.mnistspark.SubmitScripts.deleteRecursively;
import static org.mnistspark.SubmitScripts.finish;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mnistspark.SubmitScripts.Result;
import org.mnistspark.output.ModelStore;

/**
 * The job on YARN as docs/deploying.md's YARN commands run it: submit/cluster.sh --master yarn (client
 * mode) with HADOOP_CONF_DIR naming the client configuration of a MiniYARNCluster (a
 * ResourceManager and a NodeManager in this JVM, launching real container JVMs) and of a
 * MiniDFSCluster that holds --data and --out. No Spark distribution: cluster.sh's stand-in
 * SPARK_HOME supplies Spark's jars, which the YARN client uploads for the containers. Runs after
 * the jar is built ({@code mvn verify}); 3 to 5 minutes on 2 cores at a load average of 10-14.
 */
@Tag("cluster")
class YarnClusterIT {
  static final Path WORK = ROOT.resolve("job/target/yarn-it");
  /** The memory YARN grants a container of conf/spark-cluster.properties' executor: 1g heap + 1g overhead. */
  static final int EXECUTOR_CONTAINER_MB = 2048;

  static MiniHdfs hdfs;
  static FileSystem fs;
  static MiniYARNCluster yarn;
  static Path hadoopConf;

  @BeforeAll
  static void startHdfsAndYarn() throws Exception {
    assertThat(new File(MNIST, "train-images-idx3-ubyte")).as("real MNIST; run submit/fetch-mnist.sh").isFile();
    deleteRecursively(WORK);
    hdfs = MiniHdfs.start(WORK.resolve("hdfs"));
    fs = hdfs.fs();
    HdfsTrainingTest.copyMnist(fs, MNIST, "/datasets/mnist");
    fs.mkdirs(new org.apache.hadoop.fs.Path("/models"));

    yarn = new MiniYARNCluster(YarnClusterIT.class.getSimpleName(), 1, 1, 1);
    yarn.init(yarnConfiguration());
    yarn.start();
    assertThat(Thread.getAllStackTraces().keySet()).as("the NodeManager's memory monitor runs")
        .anyMatch(t -> t.getName().equals("Container Monitor"));
    hadoopConf = writeClientConfiguration(Files.createDirectories(WORK.resolve("hadoop-conf")));
  }

  /** One NodeManager with room for the application master and two executors. */
  private static YarnConfiguration yarnConfiguration() {
    YarnConfiguration conf = new YarnConfiguration();
    // (the mini cluster's own key: it overrides yarn.nodemanager.resource.memory-mb with 4096)
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 3 * EXECUTOR_CONTAINER_MB);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, EXECUTOR_CONTAINER_MB);
    // The mini cluster turns container monitoring off unless asked. On, as on a real cluster, it
    // kills an executor whose off-heap ND4J arrays outgrow spark.executor.memoryOverhead. Only the
    // virtual memory check is off, as on most clusters: a Java 17 JVM reserves several GB of
    // address space it never touches.
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_CONTROL_RESOURCE_MONITORING, true);
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // a nearly full build disk must not mark the only node unhealthy
    conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
    // what hadoop-env.sh gives a real NodeManager; unset, containers would run "/bin/java"
    conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
    // hadoop-client-minicluster lacks capacity-scheduler.xml: one queue with all the capacity
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    return conf;
  }

  /**
   * A client's HADOOP_CONF_DIR for both clusters: the default file system and the
   * ResourceManager's addresses, nothing else.
   */
  private static Path writeClientConfiguration(Path dir) throws Exception {
    Configuration core = new Configuration(false);
    core.set(FileSystem.FS_DEFAULT_NAME_KEY, fs.getUri().toString());
    writeXml(core, dir.resolve("core-site.xml"));

    Configuration rm = new Configuration(false);
    for (String key : List.of(YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
        YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS, YarnConfiguration.RM_WEBAPP_ADDRESS)) {
      rm.set(key, boundAddress(key));
    }
    writeXml(rm, dir.resolve("yarn-site.xml"));
    return dir;
  }

  /** The ResourceManager's address for {@code key}, once it has replaced the ephemeral port 0. */
  private static String boundAddress(String key) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String address = yarn.getConfig().get(key);
    while (address.endsWith(":0")) {
      assertThat(System.nanoTime()).as("%s bound", key).isLessThan(deadline);
      Thread.sleep(100);
      address = yarn.getConfig().get(key);
    }
    return address;
  }

  private static void writeXml(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }

  @AfterAll
  static void stopClusters() throws Exception {
    if (yarn != null) {
      yarn.stop();
    }
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Test
  void aRunSubmittedToYarnTrainsInItsContainersAndSavesToHdfs() throws Exception {
    // hdfs:/// as in docs/deploying.md: the default file system of HADOOP_CONF_DIR's core-site.xml
    String out = "hdfs:///models/lenet";
    Path logs = WORK.resolve("run");
    // The NodeManagers run on this machine, so Spark's own jars can be read where they lie instead
    // of being uploaded to HDFS for every submission, as a cluster would set spark.yarn.archive
    List<String> args = new ArrayList<>(List.of("--master", "yarn", "--spark-conf", "spark.executor.instances=2",
        "--spark-conf", "spark.yarn.jars=local:" + ROOT.resolve("job/target/spark-home/jars") + "/*",
        "--data", "hdfs:///datasets/mnist"));
    args.addAll(SMALL_TRAINING);
    SubmitScripts scripts = new SubmitScripts(WORK.resolve("no-standalone"), WORK).env("HADOOP_CONF_DIR", hadoopConf.toString());
    Result run = finish(scripts.startSubmit(out, logs, args), logs, 400);
    keepContainerLogs();
    assertThat(run.code()).as("cluster.sh exit code; stderr:\n%s", run.err()).isZero();

    assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path(out, ModelStore.MODEL)).getLen()).isPositive();
    JsonNode m = metricsOnHdfs(out);
    assertThat(m.at("/spark/master").asText()).isEqualTo("yarn");
    assertThat(m.at("/test/accuracy").asDouble()).as("test accuracy").isGreaterThan(SubmitScripts.SMALL_RUN_ACCURACY);
    Map<String, Long> tasks = new TreeMap<>();
    m.at("/spark/executors").fields().forEachRemaining(e -> tasks.put(e.getKey(), e.getValue().asLong()));
    // YARN numbers executors from 1; a third one would have replaced a lost one (e.g. a container
    // killed for its memory)
    assertThat(tasks).as("tasks per executor").containsOnlyKeys("1", "2").allSatisfy((id, n) -> assertThat(n).isPositive());

    String appId = m.at("/spark/applicationId").asText();
    assertFinishedInYarn(appId);
    // each executor that ran tasks was a JVM in one of the application's containers
    assertThat(executorsInContainers(appId)).containsKeys(tasks.keySet().toArray(String[]::new));
  }

  private static JsonNode metricsOnHdfs(String out) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(out, ModelStore.METRICS))) {
      return ModelStore.JSON.readTree(in);
    }
  }

  /** A copy in WORK/containers, since the NodeManager deletes its container logs when it stops. */
  private static void keepContainerLogs() throws IOException {
    Path logDir = Paths.get(yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS));
    try (Stream<Path> files = Files.walk(logDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path copy = WORK.resolve("containers").resolve(logDir.relativize(f));
        Files.createDirectories(copy.getParent());
        Files.copy(f, copy);
      }
    }
  }

  /** The ResourceManager's record of the application: a Spark application that succeeded. */
  private static void assertFinishedInYarn(String appId) throws Exception {
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(yarn.getConfig());
      client.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      ApplicationReport report = client.getApplicationReport(ApplicationId.fromString(appId));
      // the driver exits as soon as it told the application master to finish
      while (report.getYarnApplicationState() != YarnApplicationState.FINISHED && System.nanoTime() < deadline) {
        Thread.sleep(200);
        report = client.getApplicationReport(ApplicationId.fromString(appId));
      }
      assertThat(report.getApplicationType()).isEqualTo("SPARK");
      assertThat(report.getYarnApplicationState()).isEqualTo(YarnApplicationState.FINISHED);
      assertThat(report.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
    }
  }

  /**
   * Executor id to container id, for every container of the application whose log shows a Spark
   * executor that ran tasks, from the NodeManager's container logs.
   */
  private static Map<String, String> executorsInContainers(String appId) throws IOException {
    Path appLogs = WORK.resolve("containers").resolve(appId);
    Pattern started = Pattern.compile("Starting executor ID (\\S+) on host");
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> containers = Files.list(appLogs)) {
      for (Path container : containers.toList()) {
        String stderr = Files.readString(container.resolve("stderr"));
        Matcher executor = started.matcher(stderr);
        if (executor.find() && stderr.contains("Running task")) {
          out.put(executor.group(1), container.getFileName().toString());
        }
      }
    }
    return out;
  }
}
