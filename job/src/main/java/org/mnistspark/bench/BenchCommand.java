package org.mnistspark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.BenchConfig;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.Settings;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.Sharder;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.pipeline.TrainingPipeline;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.SingleJvmTrainer;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Spark job against plain single-JVM DL4J fit of the same model, data split and seed, in one
 * run. Phase 1 measures throughput over a sweep on a subset; phase 2 trains the default
 * configuration, DL4J's trainer and the baselines on the full split until a target validation
 * accuracy and compares wall time to get there. Writes results.json, report.md,
 * throughput.png and time-to-accuracy.png.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the Spark job against plain DL4J fit in one JVM, by throughput and by time to accuracy.")
public final class BenchCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

  private final SettingsOptions settings = SettingsOptions.jobAnd("bench");

  @Option(names = "--quick", description = "A short version for tests: 2,000 images, small sweeps, target 0.8 within 2 epochs.")
  boolean quick;

  /** What --quick puts between the configuration file and the options given. */
  private static final Map<String, Object> QUICK = Map.of("train-limit", 2000, "bench.baseline-batch-sizes", "32",
      "bench.threads", "1", "bench.batch-sizes", "32", "bench.averaging-frequencies", "4", "bench.throughput-images", 1000,
      "bench.target", 0.8, "bench.max-epochs", 2);

  /** Quickest to the target first; among those that missed it, the highest validation accuracy. */
  private static final Comparator<BenchResults.Run> TO_TARGET = Comparator
      .comparing((BenchResults.Run r) -> r.secondsToTarget() == null ? Double.MAX_VALUE : r.secondsToTarget())
      .thenComparing(r -> -r.bestValidationAccuracy());

  /** Adam's learning rate in Keras, which the original question's script used. */
  static final double KERAS_ADAM_RATE = 0.001;
  /** The kind of output folder bench writes, as its manifest records it. */
  static final String KIND = "bench";

  private int done;
  private int total;
  private TrainingPipeline pipeline;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> defaults = new HashMap<>(Map.of("out", "bench", "master", "local[2]"));
    if (quick) {
      defaults.putAll(QUICK);
    }
    Settings all = settings.resolve(defaults);
    JobConfig base = all.job();
    BenchConfig bench = all.bench();
    List<Integer> fitBatches = bench.baselineBatchSizeList();
    List<Integer> fitThreads = bench.threadList();
    List<Integer> batches = bench.batchSizeList();
    List<Integer> freqs = bench.averagingFrequencyList();
    int subset = bench.throughputImages();
    double goal = bench.target();
    int epochLimit = bench.maxEpochs();
    double limitFactor = bench.timeLimitFactor();
    OutputFolder out = OutputFolder.open("--out", base.out(), KIND, SparkSetup.hadoopConf(SparkSetup.sparkConf(base)));

    // before anything runs, so the load average says whether the machine was idle
    Map<String, Object> machine = machine();
    JobConfig throughput = base.withTrainLimit((int) Math.round(subset / (1 - base.validationFraction())))
        .withEpochs(2).withValidationsPerEpoch(1);
    JobConfig toTarget = base.withEpochs(epochLimit).withStopAtValidationAccuracy(goal);
    pipeline = TrainingPipeline.of(base);
    MnistData data = pipeline.load(List.of(base, throughput, toTarget));
    boolean ownRate = base.learningRate() != KERAS_ADAM_RATE;
    total = fitBatches.size() * fitThreads.size() + batches.size() * freqs.size() + 1 + fitBatches.size() + (ownRate ? 1 : 0) + 3;
    List<BenchResults.Run> runs = new ArrayList<>();

    // Phase 1, throughput: every baseline and the resident sweep on a subset.
    for (int b : fitBatches) {
      for (int t : fitThreads) {
        runs.add(fit(BenchResults.THROUGHPUT, throughput.withBatchSizePerWorker(b), t, data, goal));
      }
    }
    try (JavaSparkContext sc = pipeline.startSpark(new SparkSetup.TaskCounter())) {
      for (int b : batches) {
        for (int f : freqs) {
          runs.add(spark(BenchResults.THROUGHPUT, sc, throughput.withBatchSizePerWorker(b).withAveragingFrequency(f), data, goal));
        }
      }
      runs.add(spark(BenchResults.THROUGHPUT, sc, throughput.withTrainer("dl4j"), data, goal));

      // Phase 2, time to accuracy on the full split: the default, its fastest alternative, DL4J's trainer ...
      BenchResults.Run job = spark(BenchResults.TIME_TO_ACCURACY, sc, toTarget, data, goal);
      runs.add(job);
      if (limitFactor > 0 && job.secondsToTarget() != null) {
        toTarget = toTarget.withMaxTrainSeconds(limitFactor * job.secondsToTarget());
      }
      JobConfig fastest = fastestResident(runs, toTarget);
      if (fastest != null) {
        runs.add(spark(BenchResults.TIME_TO_ACCURACY, sc, fastest, data, goal));
      } else {
        total--;
      }
      runs.add(spark(BenchResults.TIME_TO_ACCURACY, sc, toTarget.withTrainer("dl4j"), data, goal));
    }
    // ... and each baseline batch size at its faster thread count with the seed's (Keras') learning
    // rate, then the quickest of them with the job's own rate too, since a user could use it as well.
    List<BenchResults.Run> baselines = new ArrayList<>();
    for (int b : fitBatches) {
      baselines.add(fit(BenchResults.TIME_TO_ACCURACY, toTarget.withBatchSizePerWorker(b).withLearningRate(KERAS_ADAM_RATE),
          fasterThreads(runs, b), data, goal));
    }
    runs.addAll(baselines);
    if (ownRate) {
      BenchResults.Run quickest = baselines.stream().min(TO_TARGET).orElseThrow();
      runs.add(fit(BenchResults.TIME_TO_ACCURACY, toTarget.withBatchSizePerWorker(quickest.batchSize()), quickest.threads(), data, goal));
    }

    BenchResults results = new BenchResults(machine, recordedSettings(base, goal, epochLimit, subset, limitFactor), runs, compare(runs, base, goal));
    write(out, results);
    System.out.println(BenchReport.summary(results));
    System.out.println("wrote " + out.file("report.md"));
    return 0;
  }

  private BenchResults.Run fit(String phase, JobConfig c, int threads, MnistData data, double goal) {
    announce(phase, "fit b" + c.batchSizePerWorker() + " t" + threads + " lr " + c.learningRate(), c);
    Nd4j.getEnvironment().setMaxThreads(threads);
    int trainCount = Sharder.trainCount(data.train().size(), c.trainLimit(), c.validationFraction());
    int used = c.trainLimit() > 0 ? Math.min(c.trainLimit(), data.train().size()) : data.train().size();
    List<LabeledImage> train = data.train().range(0, trainCount);
    // fitted on the training part, as the Spark runs' scaler (was minmax's numbers whatever the scaling)
    PixelScaler scaler = PixelScaler.fit(c.scaling(), train);
    PeakMemory.reset();
    DistributedTrainer.Result r = new SingleJvmTrainer(c).train(train, data.train().range(trainCount, used), scaler,
        (s, n) -> {});
    double test = Evaluator.evaluate(r.network(), new MinibatchAssembler(scaler, c.evalBatchSize()).assemble(data.test())).accuracy();
    return logged(BenchResults.Run.of(phase, "fit", c.batchSizePerWorker(), 0, threads, c.learningRate(), trainCount, r, goal,
        test, PeakMemory.peakMiB()));
  }

  private BenchResults.Run spark(String phase, JavaSparkContext sc, JobConfig c, MnistData data, double goal) {
    announce(phase, c.trainer() + " b" + c.batchSizePerWorker() + " f" + c.averagingFrequency() + " lr " + c.learningRate(), c);
    // local mode: every task shares this process, so its thread setting is the tasks' setting
    Nd4j.getEnvironment().setMaxThreads(c.threadsPerTask());
    PeakMemory.reset();
    TrainingPipeline.Outcome o = pipeline.trainOn(sc, new SparkSetup.TaskCounter(), c, data, (s, n) -> {});
    return logged(BenchResults.Run.of(phase, c.trainer(), c.batchSizePerWorker(), c.averagingFrequency(), c.threadsPerTask(),
        c.learningRate(), o.metrics().data().trainImages(), o.training(), goal, o.metrics().test().accuracy(), PeakMemory.peakMiB()));
  }

  private void announce(String phase, String label, JobConfig c) {
    done++;
    log.info("bench {}/{} ({}): {} on {} images{}", done, total, phase, label,
        Sharder.trainCount(60_000, c.trainLimit(), c.validationFraction()),
        c.stopAtValidationAccuracy() > 0 ? ", until validation accuracy " + c.stopAtValidationAccuracy() + " or " + c.epochs() + " epochs" : "");
  }

  /** The resident sweep configuration with the most samples/s, unless it is the default; null then. */
  private static JobConfig fastestResident(List<BenchResults.Run> runs, JobConfig c) {
    BenchResults.Run best = runs.stream().filter(r -> r.phase().equals(BenchResults.THROUGHPUT) && r.kind().equals("resident"))
        .max(Comparator.comparingDouble(BenchResults.Run::samplesPerSecond)).orElse(null);
    if (best == null || (best.batchSize() == c.batchSizePerWorker() && best.averagingFrequency() == c.averagingFrequency())) {
      return null;
    }
    return c.withBatchSizePerWorker(best.batchSize()).withAveragingFrequency(best.averagingFrequency());
  }

  /** The thread count with which plain fit at {@code batch} was fastest in the throughput phase. */
  private static int fasterThreads(List<BenchResults.Run> runs, int batch) {
    return runs.stream().filter(r -> r.kind().equals("fit") && r.batchSize() == batch)
        .max(Comparator.comparingDouble(BenchResults.Run::samplesPerSecond)).map(BenchResults.Run::threads).orElse(1);
  }

  static BenchResults.Comparison compare(List<BenchResults.Run> runs, JobConfig base, double goal) {
    List<BenchResults.Run> phase2 = runs.stream().filter(r -> r.phase().equals(BenchResults.TIME_TO_ACCURACY)).toList();
    BenchResults.Run job = phase2.stream().filter(r -> r.kind().equals(base.trainer())
        && r.batchSize() == base.batchSizePerWorker() && r.averagingFrequency() == base.averagingFrequency()).findFirst().orElseThrow();
    List<BenchResults.Run> baselines = phase2.stream().filter(r -> r.kind().equals("fit")).toList();
    BenchResults.Run fastest = baselines.stream().max(Comparator.comparingDouble(BenchResults.Run::samplesPerSecond)).orElseThrow();
    BenchResults.Run quickest = baselines.stream().filter(r -> r.secondsToTarget() != null)
        .min(Comparator.comparingDouble(BenchResults.Run::secondsToTarget)).orElse(null);
    Double ratio = quickest == null || job.secondsToTarget() == null ? null : job.secondsToTarget() / quickest.secondsToTarget();
    return new BenchResults.Comparison(goal, job.label(), fastest.label(), job.samplesPerSecond() / fastest.samplesPerSecond(),
        quickest == null ? null : quickest.label(), ratio, job.rounds() == null ? null : job.rounds().outsideFitShare());
  }

  private static BenchResults.Run logged(BenchResults.Run r) {
    log.info("bench result {} ({}): {} samples/s, {}, best validation {}, test accuracy {}, peak RSS {} MiB", r.label(), r.phase(),
        Math.round(r.samplesPerSecond()),
        r.secondsToTarget() == null ? "target not reached" : String.format("target after %.1f s", r.secondsToTarget()),
        String.format("%.4f", r.bestValidationAccuracy()), String.format("%.4f", r.testAccuracy()), r.peakRssMiB());
    return r;
  }

  private static Map<String, Object> recordedSettings(JobConfig base, double goal, int epochLimit, int subset, double limitFactor) {
    Map<String, Object> s = new LinkedHashMap<>(base.asMap());
    s.put("target-validation-accuracy", goal);
    s.put("max-epochs", epochLimit);
    s.put("throughput-images", subset);
    s.put("time-limit-factor", limitFactor);
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
    m.put("loadAverageAtStart", os.getSystemLoadAverage());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("startedAt", java.time.Instant.now().toString());
    return m;
  }

  /** results.json, report.md and the two PNGs, all or nothing; the charts are drawn on local disk first. */
  private static void write(OutputFolder out, BenchResults results) throws Exception {
    Path charts = Files.createTempDirectory("bench-charts");
    try {
      BenchReport.writeThroughputChart(results, charts.resolve("throughput.png"));
      BenchReport.writeTimeToAccuracyChart(results, charts.resolve("time-to-accuracy.png"));
      out.replace(staging -> {
        staging.write("results.json", ModelStore.JSON.writeValueAsBytes(results));
        staging.copy("throughput.png", charts.resolve("throughput.png").toFile());
        staging.copy("time-to-accuracy.png", charts.resolve("time-to-accuracy.png").toFile());
        staging.write("report.md", BenchReport.markdown(results).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      });
    } finally {
      org.apache.commons.io.FileUtils.deleteDirectory(charts.toFile());
    }
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
