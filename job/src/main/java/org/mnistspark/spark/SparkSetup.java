package org.mnistspark.spark;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.mnistspark.DetachedNd4jRegistrator;
import org.mnistspark.Messages;
import org.mnistspark.TrainingFailedException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.submit.SparkSecret;
import org.mnistspark.submit.SparkSettingException;
import org.mnistspark.train.LeNet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Spark context the way DL4J needs it, and watches which executors do the work. */
public final class SparkSetup {
  private static final Logger log = LoggerFactory.getLogger(SparkSetup.class);
  private static final AtomicInteger STARTS = new AtomicInteger();

  private SparkSetup() {}

  /**
   * How many times this JVM has begun to start Spark through {@link #start}, counted before the
   * context is built, so a start that fails counts too. Lets tests show that a refusal came before
   * Spark started: the count does not move.
   */
  public static int starts() {
    return STARTS.get();
  }

  /**
   * Makes this JVM's process-wide settings, once, as the job starts: DL4J's oneDNN layer helpers on
   * ({@link LeNet#HELPERS_DISABLED_PROPERTY}, read when a layer is built) and DL4J's training stats
   * timed by the system clock (its default time source asks pool.ntp.org, which an offline cluster
   * cannot reach). Executors in other JVMs get the same from {@link #sparkConf}'s Java options.
   */
  public static void configureJvm() {
    System.setProperty(LeNet.HELPERS_DISABLED_PROPERTY, "false");
    System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
  }

  /** The Spark settings of a run; spark-submit's own (system properties) are kept unless the config names a master. */
  public static SparkConf sparkConf(JobConfig config) {
    SparkConf conf = new SparkConf().setAppName("mnist-lenet-" + config.scaling().label());
    if (!config.master().isEmpty()) {
      conf.setMaster(config.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    supplySecret(conf, System.getenv());
    String threads = String.valueOf(config.threadsPerTask());
    String executorOptions = "-D" + LeNet.HELPERS_DISABLED_PROPERTY + "=false"
        // DL4J's training stats otherwise ask pool.ntp.org for the time, which an offline cluster cannot reach
        + " -D" + TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY + "=" + SystemClockTimeSource.class.getName();
    conf.set("spark.executor.extraJavaOptions", (conf.get("spark.executor.extraJavaOptions", "") + " " + executorOptions).trim());
    return conf
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        // without ND4J's registrator Kryo cannot rebuild INDArrays ("jvmShapeInfo is null"); this
        // subclass also reads them outside any workspace, so serialized storage levels stay exact
        .set("spark.kryo.registrator", DetachedNd4jRegistrator.class.getName())
        .set("spark.kryoserializer.buffer.max", "512m")
        // Each averaging round returns one model state (15 MB) per worker: sent straight back with
        // the task status instead of through the block manager, which added 60-600 ms per round.
        .setIfMissing("spark.task.maxDirectResultSize", "64m")
        // Model states are floats that LZ4 barely shrinks; compressing the broadcast cost more than it saved.
        .setIfMissing("spark.broadcast.compress", "false")
        // one native pool per task; threads-per-task x task slots must not exceed the cores
        .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", threads)
        .set("spark.ui.showConsoleProgress", "false");
  }

  /**
   * Gives the driver of an authenticated standalone cluster the cluster's secret from the file
   * {@link SparkSecret#ENV} names, so that it appears on no command line. Only for spark:// masters:
   * YARN, Kubernetes and local mode make a secret per application and ignore this one (and YARN
   * would copy a set spark.authenticate.secret into the application's staging folder).
   *
   * @throws SparkSettingException if authentication is on for a standalone master and neither the
   *     file nor the setting gives a secret, or the file is unusable
   */
  static void supplySecret(SparkConf conf, Map<String, String> env) {
    String master = conf.get("spark.master", "");
    if (!conf.getBoolean("spark.authenticate", false) || !master.startsWith("spark://")) {
      return;
    }
    String file = env.get(SparkSecret.ENV);
    if (file != null && !file.isEmpty()) {
      conf.set("spark.authenticate.secret", SparkSecret.read(file));
    } else if (!conf.contains("spark.authenticate.secret")) {
      throw new SparkSettingException("spark.authenticate is on and " + master + " is a standalone master, which needs"
          + " the cluster's shared secret: set " + SparkSecret.ENV + " to the file that holds it (docs/security.md)");
    }
  }

  /** The Hadoop settings spark-submit would give the job (spark.hadoop.*), usable before Spark starts. */
  public static Configuration hadoopConf(SparkConf conf) {
    return SparkHadoopUtil.get().newConfiguration(conf);
  }

  /**
   * Starts Spark.
   *
   * @throws TrainingFailedException if a standalone master did not accept the application: it is
   *     not reachable, or it refused this driver's authentication
   */
  public static JavaSparkContext start(SparkConf conf, TaskCounter counter) {
    STARTS.incrementAndGet();
    JavaSparkContext sc = new JavaSparkContext(conf);
    if (sc.master().startsWith("spark://") && !acceptedByMaster(sc)) {
      // Spark then stops the context from another thread while the job goes on; the job's first
      // broadcast races that stop and waits forever for a block lock (seen with a wrong secret).
      sc.stop();
      throw new TrainingFailedException("the standalone master " + sc.master() + " did not accept the application"
          + " (\"All masters are unresponsive\" above): it is not running there, or it refused this driver, which with"
          + " spark.authenticate on must have the cluster's secret (docs/security.md); nothing was run", null);
    }
    sc.sc().addSparkListener(counter);
    log.info("Spark {} started: master {}, application {}, default parallelism {}",
        sc.version(), sc.master(), sc.sc().applicationId(), sc.defaultParallelism());
    return sc;
  }

  /**
   * Whether a standalone master registered the application. The context's constructor waits for
   * the master's answer or for Spark to give up (3 attempts, 20 s apart); an accepted application
   * has the id the master gave it (app-...), a refused one the driver's placeholder
   * (spark-application-...).
   */
  static boolean acceptedByMaster(JavaSparkContext sc) {
    return !sc.sc().isStopped() && sc.sc().applicationId().startsWith("app-");
  }

  /**
   * Returns what to throw when training failed with {@code e}: a {@link TrainingFailedException}
   * saying that Spark gave up on the run (a task failed spark.task.maxFailures times, e.g. with its
   * executor each time), naming the lost executors and stating that nothing was written to
   * {@code out}; any other unchecked exception unchanged.
   */
  public static RuntimeException explainAbort(Exception e, TaskCounter tasks, String out) {
    if (e instanceof RuntimeException r) {
      return r;
    }
    List<String> lost = tasks.lostExecutors();
    String executors = lost.isEmpty() ? "" : " after losing executor(s) " + String.join(", ", lost);
    String cause = e instanceof SparkException
        ? "Spark: " + Messages.firstLine(e)
        : e.toString();
    return new TrainingFailedException("Spark aborted the training" + executors + "; nothing was written to " + out
        + ". " + cause, e);
  }

  /** Counts finished tasks per executor and logs executors that are lost while the job runs. */
  public static final class TaskCounter extends SparkListener {
    private final Map<String, AtomicLong> tasks = new ConcurrentHashMap<>();
    private final List<String> lost = new CopyOnWriteArrayList<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskInfo().successful()) {
        tasks.computeIfAbsent(end.taskInfo().executorId(), k -> new AtomicLong()).incrementAndGet();
      }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
      lost.add(removed.executorId());
      log.warn("executor {} lost ({}); Spark reschedules its tasks on the remaining executors",
          removed.executorId(), removed.reason());
    }

    /** Ids of the executors removed while the job ran, in the order Spark reported them. */
    public List<String> lostExecutors() {
      return List.copyOf(lost);
    }

    /** Successful tasks per executor id, sorted by id. */
    public Map<String, Long> tasksPerExecutor() {
      Map<String, Long> out = new TreeMap<>();
      tasks.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }
  }
}
