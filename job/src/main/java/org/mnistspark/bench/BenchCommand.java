package org.mnistspark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.mnistspark.JobConfig;
import org.mnistspark.JobOptions;
import org.mnistspark.SparkSetup;
import org.mnistspark.TrainingJob;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.Sharder;
import org.mnistspark.output.ModelStore;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.MinibatchAssembler;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import scala.reflect.ClassTag$;

/**
 * Spark parameter averaging against a plain single-JVM fit of the same model, data and seed, over
 * a sweep of batch size, averaging frequency and native threads; writes results.json, report.md
 * and throughput.png.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the Spark job against plain DL4J fit in one JVM and write a report.")
public final class BenchCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

  @Mixin JobOptions options;

  @Option(names = "--quick", description = "A short version for tests: 2,000 images, 2 epochs, two configurations.")
  boolean quick;

  @Option(names = "--batch-sizes", split = ",", paramLabel = "N,N", description = "Batch sizes per worker to sweep (default 16,32,64; quick 16).")
  List<Integer> batchSizes;

  @Option(names = "--averaging-frequencies", split = ",", paramLabel = "N,N", description = "Averaging frequencies to sweep (default 10,30; quick 30).")
  List<Integer> frequencies;

  @Option(names = "--threads", split = ",", paramLabel = "N,N", description = "Native threads per task to sweep (default 1,2; quick 1).")
  List<Integer> threads;

  @Override
  public Integer call() throws Exception {
    JobConfig base = options.resolve(Map.of(
        "out", "bench", "master", "local[2]", "collect-training-stats", true,
        "train-limit", quick ? 2000 : 15000, "epochs", quick ? 2 : 3));
    List<Integer> batches = orDefault(batchSizes, quick ? List.of(16) : List.of(16, 32, 64));
    List<Integer> freqs = orDefault(frequencies, quick ? List.of(30) : List.of(10, 30));
    List<Integer> threadCounts = orDefault(threads, quick ? List.of(1) : List.of(1, 2));

    MnistData data = new MnistLoader(SparkSetup.hadoopConf(SparkSetup.sparkConf(base))).load(base.data());
    int trainCount = Sharder.trainCount(data.train().size(), base.trainLimit(), base.validationFraction());
    int total = batches.size() * threadCounts.size() * (1 + freqs.size());
    List<BenchResults.Run> runs = new ArrayList<>();

    // 1. The yardstick: plain fit in this JVM, at each batch size and thread count.
    for (int b : batches) {
      for (int t : threadCounts) {
        log.info("bench {}/{}: baseline fit, batch {}, {} threads", runs.size() + 1, total, b, t);
        runs.add(logged(SingleJvmBaseline.run(base.with("batch-size-per-worker", b), t, data.train(), trainCount, data.test())));
      }
    }

    // 2. The job, on one Spark context, over the sweep.
    SparkConf sparkConf = SparkSetup.sparkConf(base);
    BenchResults.DataPath dataPath;
    try (JavaSparkContext sc = SparkSetup.start(sparkConf, new SparkSetup.TaskCounter())) {
      for (int b : batches) {
        for (int f : freqs) {
          for (int t : threadCounts) {
            log.info("bench {}/{}: spark {}, batch {}, averaging every {}, {} threads per task",
                runs.size() + 1, total, sc.master(), b, f, t);
            JobConfig c = base.with("batch-size-per-worker", b).with("averaging-frequency", f).with("threads-per-task", t);
            runs.add(logged(sparkRun(sc, c, data, trainCount)));
          }
        }
      }
      BenchResults.Run reference = find(runs, base);
      dataPath = measureDataPath(sparkConf, base, data, trainCount, reference, sc.defaultParallelism());
    }

    BenchResults results = new BenchResults(machine(), settings(base, batches, freqs, threadCounts), runs, dataPath,
        compare(runs, base));
    write(Path.of(base.out()), results);
    BenchResults.Comparison c = results.comparison();
    System.out.printf("default configuration (%s) vs baseline: %.2fx the same-batch baseline (%s), %.2fx the fastest baseline (%s)%n",
        c.defaultRun(), c.ratioToSameBatchBaseline(), c.sameBatchBaseline(), c.ratioToFastestBaseline(), c.fastestBaseline());
    System.out.println("wrote " + Path.of(base.out()).resolve("report.md"));
    return 0;
  }

  private static BenchResults.Run sparkRun(JavaSparkContext sc, JobConfig c, MnistData data, int trainCount) {
    // local mode: every task shares this process, so its thread setting is the tasks' setting
    Nd4j.getEnvironment().setMaxThreads(c.threadsPerTask());
    PeakMemory.reset();
    TrainingJob.Outcome o = new TrainingJob(sc, new SparkSetup.TaskCounter()).run(c, data, (s, n) -> {});
    List<Double> seconds = o.metrics().epochs().stream().map(e -> e.seconds()).toList();
    return BenchResults.Run.of("spark", c.batchSizePerWorker(), c.averagingFrequency(), c.threadsPerTask(), trainCount,
        seconds, o.metrics().test().accuracy(), PeakMemory.peakMiB(), overhead(o.training().phases(), sc.defaultParallelism()));
  }

  /** Per-round costs from DL4J's stats: the driver's round time, and the part the workers spent fitting. */
  static BenchResults.RoundOverhead overhead(Map<String, DistributedTrainer.PhaseTime> p, int workers) {
    DistributedTrainer.PhaseTime broadcast = p.get("ParameterAveragingMasterBroadcastCreateTimesMs");
    if (broadcast == null || broadcast.count() == 0) {
      return null;
    }
    int rounds = broadcast.count();
    double round = total(p, "ParameterAveragingMasterFitTimesMs") / rounds;
    double compute = total(p, "ParameterAveragingWorkerFitTimesMs") / workers / rounds;
    return new BenchResults.RoundOverhead(rounds, round, compute, round - compute, broadcast.totalMillis() / (double) rounds,
        total(p, "ParameterAveragingMasterRepartitionTimesMs") / rounds);
  }

  private static double total(Map<String, DistributedTrainer.PhaseTime> p, String key) {
    DistributedTrainer.PhaseTime t = p.get(key);
    return t == null ? 0 : t.totalMillis();
  }

  /** Scaling, batch assembly and a Kryo round trip of one epoch's minibatches, timed on their own. */
  private static BenchResults.DataPath measureDataPath(SparkConf conf, JobConfig base, MnistData data, int trainCount,
      BenchResults.Run reference, int workers) {
    MinibatchAssembler assembler = new MinibatchAssembler(new PixelScaler(base.scaling(), 0, 255), base.batchSizePerWorker());
    long start = System.nanoTime();
    List<DataSet> batches = assembler.assemble(data.train().head(trainCount));
    double assemble = (System.nanoTime() - start) / 1e9;
    SerializerInstance kryo = new KryoSerializer(conf).newInstance();
    var tag = ClassTag$.MODULE$.<DataSet>apply(DataSet.class);
    start = System.nanoTime();
    for (DataSet d : batches) {
      kryo.deserialize(kryo.serialize(d, tag), tag);
    }
    double serde = (System.nanoTime() - start) / 1e9;
    double epoch = trainCount / reference.samplesPerSecond();
    return new BenchResults.DataPath(trainCount, assemble, serde, (assemble + serde) / workers / epoch);
  }

  private static BenchResults.Comparison compare(List<BenchResults.Run> runs, JobConfig base) {
    BenchResults.Run job = find(runs, base);
    BenchResults.Run sameBatch = runs.stream()
        .filter(r -> r.kind().equals("baseline") && r.batchSize() == base.batchSizePerWorker())
        .max((a, b) -> Double.compare(a.samplesPerSecond(), b.samplesPerSecond())).orElseThrow();
    BenchResults.Run fastest = runs.stream().filter(r -> r.kind().equals("baseline"))
        .max((a, b) -> Double.compare(a.samplesPerSecond(), b.samplesPerSecond())).orElseThrow();
    return new BenchResults.Comparison(job.label(), sameBatch.label(), job.samplesPerSecond() / sameBatch.samplesPerSecond(),
        fastest.label(), job.samplesPerSecond() / fastest.samplesPerSecond());
  }

  /**
   * The Spark run with the configured (default) settings.
   *
   * @throws IllegalArgumentException if the sweep left the defaults out
   */
  private static BenchResults.Run find(List<BenchResults.Run> runs, JobConfig c) {
    return runs.stream()
        .filter(r -> r.kind().equals("spark") && r.batchSize() == c.batchSizePerWorker()
            && r.averagingFrequency() == c.averagingFrequency() && r.threadsPerTask() == c.threadsPerTask())
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the sweep must include the default configuration: batch "
            + c.batchSizePerWorker() + ", averaging frequency " + c.averagingFrequency() + ", threads " + c.threadsPerTask()));
  }

  private static BenchResults.Run logged(BenchResults.Run r) {
    log.info("bench result {}: {} samples/s, test accuracy {}, peak RSS {} MiB", r.label(),
        Math.round(r.samplesPerSecond()), String.format("%.4f", r.testAccuracy()), r.peakRssMiB());
    return r;
  }

  private static <T> List<T> orDefault(List<T> given, List<T> fallback) {
    return given == null || given.isEmpty() ? fallback : given;
  }

  private static Map<String, Object> settings(JobConfig base, List<Integer> b, List<Integer> f, List<Integer> t) {
    Map<String, Object> s = new LinkedHashMap<>(base.asMap());
    s.put("sweep-batch-sizes", b);
    s.put("sweep-averaging-frequencies", f);
    s.put("sweep-threads", t);
    return s;
  }

  private static Map<String, Object> machine() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    String cpu = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    m.put("cpu", cpu);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    m.put("memoryGiB", Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("measuredAt", java.time.Instant.now().toString());
    return m;
  }

  /** results.json, report.md and throughput.png, written beside each other in a temporary folder and moved into place. */
  private static void write(Path out, BenchResults results) throws Exception {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createDirectory(parent.resolve("." + out.getFileName() + ".tmp-" + System.nanoTime()));
    ModelStore.JSON.writeValue(tmp.resolve("results.json").toFile(), results);
    BenchReport.writeChart(results, tmp.resolve("throughput.png"));
    Files.writeString(tmp.resolve("report.md"), BenchReport.markdown(results));
    if (Files.exists(out)) {
      Path old = Files.move(out, parent.resolve("." + out.getFileName() + ".old-" + System.nanoTime()));
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      org.apache.commons.io.FileUtils.deleteDirectory(old.toFile());
    } else {
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
