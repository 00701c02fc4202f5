package org.mnistspark.bench;

import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.mnistspark.config.Decay;
import org.mnistspark.config.Settings;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.config.Trainer;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.Sharder;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.OutputLock;
import org.mnistspark.pipeline.TrainingPipeline;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.spark.SparkSetup;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.SingleJvmTrainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Spark job against plain single-JVM DL4J fit of the same model and data split, in one run.
 * Phase 1 measures throughput over a sweep on a subset. Phase 2 (quality) trains, for the planned
 * epochs and over several seeds, the default configuration and the best single-JVM baseline (the
 * fastest plain-fit batch size, with the same learning-rate schedule and the best of a few rates),
 * and reports time to each threshold and test accuracy, median and range; one seed each of both
 * without the schedule shows what it buys. Writes results.json, report.md, throughput.png and
 * time-to-accuracy.png.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the Spark job against plain DL4J fit in one JVM, by throughput and by time to accuracy and test accuracy over seeds.")
public final class BenchCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

  private final SettingsOptions settings = SettingsOptions.jobAnd("bench");

  @Option(names = "--quick", description = "A short version for tests: 2,000 images, 2 epochs, 2 seeds, small sweeps.")
  boolean quick;

  @Option(names = "--round-costs", paramLabel = "MILLIS",
      description = "Only measure what an averaging round costs besides fitting, on --master with one worker per "
          + "--partitions: each worker waits MILLIS instead of fitting its round (so the cores do not limit the "
          + "executor count); writes round-costs.json.")
  Double roundCostsFitMillis;

  @Option(names = "--scaling-report", paramLabel = "DIR",
      description = "Only predict samples/s and time to each threshold against executors from the measurements "
          + "submit/bench-scaling.sh wrote in DIR; writes scaling.json, scaling.md and scaling.png.")
  Path scalingDir;

  @Option(names = "--scaling-baseline", paramLabel = "FILE", defaultValue = "docs/benchmark-results.json",
      description = "With --scaling-report: an idle benchmark's results.json, for the fit per round (its default runs' "
          + "median) and the best single-JVM baseline the prediction is drawn against (default: ${DEFAULT-VALUE}).")
  Path scalingBaseline;

  /** What --quick puts between the configuration file and the options given. */
  private static final Map<String, Object> QUICK = Map.ofEntries(Map.entry("train-limit", 2000), Map.entry("epochs", 2),
      Map.entry("bench.baseline-batch-sizes", "32"), Map.entry("bench.threads", "1"), Map.entry("bench.batch-sizes", "32"),
      Map.entry("bench.averaging-frequencies", "4"), Map.entry("bench.throughput-images", 1000), Map.entry("bench.seeds", 2),
      Map.entry("bench.thresholds", "0.8,0.85"), Map.entry("bench.baseline-learning-rates", "0.001,0.002"),
      Map.entry("bench.growth-arm", 2));

  /** Adam's learning rate in Keras, which the original question's script used. */
  static final double KERAS_ADAM_RATE = 0.001;
  /** The kind of output folder bench writes, as its manifest records it. */
  static final String KIND = "bench";

  private int done;
  private int total;
  private TrainingPipeline pipeline;

  @Override
  public Integer call() throws Exception {
    if (scalingDir != null) {
      Settings all = settings.resolve(Map.of("out", "bench"));
      ScalingReport.Inputs inputs = ScalingReport.inputs(scalingDir, all.bench().thresholdList());
      OutputFolder out = open(all.job());
      try (OutputLock lock = lock(out, all.job())) {
        Map<String, byte[]> files = scaling(inputs, ModelStore.JSON.readTree(scalingBaseline.toFile()), scalingBaseline.toString());
        out.replace(staging -> writeAll(staging, files));
        System.out.print(new String(files.get("scaling.md"), StandardCharsets.UTF_8));
      }
      System.out.println("wrote " + out.file("scaling.md"));
      return 0;
    }
    if (roundCostsFitMillis != null) {
      // on the master the configuration names (cluster.sh: spark-submit's), not the sweep's local[2]
      return roundCosts(settings.resolve(Map.of("out", "bench")).job(), roundCostsFitMillis);
    }
    Map<String, Object> defaults = new HashMap<>(Map.of("out", "bench", "master", "local[2]"));
    if (quick) {
      defaults.putAll(QUICK);
    }
    Settings all = settings.resolve(defaults);
    JobConfig base = all.job();
    OutputFolder out = open(base);
    try (OutputLock lock = lock(out, base)) {
      return sweep(base, all.bench(), out);
    }
  }

  /** The throughput and quality phases, and their report in {@code out}. */
  private int sweep(JobConfig base, BenchConfig bench, OutputFolder out) throws Exception {
    List<Integer> fitBatches = bench.baselineBatchSizeList();
    List<Integer> fitThreads = bench.threadList();
    List<Integer> batches = bench.batchSizeList();
    List<Integer> freqs = bench.averagingFrequencyList();
    List<Double> rates = bench.baselineLearningRateList();
    List<Double> thresholds = bench.thresholdList();
    int seeds = bench.seeds();
    int subset = bench.throughputImages();

    // checked before an hour of runs, used after them
    ScalingReport.Inputs scaling = bench.scalingInputs().isEmpty() ? null
        : ScalingReport.inputs(Path.of(bench.scalingInputs()), thresholds);
    // before anything runs, so the load average says whether the machine was idle
    Map<String, Object> machine = machine();
    JobConfig throughput = base.withTrainLimit((int) Math.round(subset / (1 - base.validationFraction())))
        .withEpochs(2).withValidationsPerEpoch(1).withLearningRateDecay(Decay.CONSTANT).withWarmupEpochs(0);
    pipeline = TrainingPipeline.of(base);
    MnistData data = pipeline.load(List.of(base, throughput));
    int growth = bench.growthArm();
    total = fitBatches.size() * fitThreads.size() + batches.size() * freqs.size() + 1 + seeds + (growth > 1 ? seeds : 0) + 1
        + rates.size() + seeds - 1 + 1;
    List<BenchResults.Run> runs = new ArrayList<>();

    // Phase 1, throughput: every baseline and the resident sweep on a subset, at a constant rate.
    for (int b : fitBatches) {
      for (int t : fitThreads) {
        runs.add(fit(BenchResults.THROUGHPUT, throughput.withBatchSizePerWorker(b), t, data, thresholds));
      }
    }
    try (JavaSparkContext sc = pipeline.startSpark(new SparkSetup.TaskCounter())) {
      for (int b : batches) {
        for (int f : freqs) {
          runs.add(spark(BenchResults.THROUGHPUT, sc, throughput.withBatchSizePerWorker(b).withAveragingFrequency(f), data,
              thresholds));
        }
      }
      runs.add(spark(BenchResults.THROUGHPUT, sc, throughput.withTrainer(Trainer.DL4J), data, thresholds));

      // Phase 2, quality: the default over seeds, with a growing averaging period over seeds, then
      // once without its learning-rate schedule.
      for (int i = 0; i < seeds; i++) {
        runs.add(spark(BenchResults.QUALITY, sc, base.withSeed(base.seed() + i), data, thresholds));
      }
      for (int i = 0; growth > 1 && i < seeds; i++) {
        runs.add(spark(BenchResults.QUALITY, sc, base.withAveragingGrowth(growth).withSeed(base.seed() + i), data, thresholds));
      }
      runs.add(spark(BenchResults.QUALITY, sc, unscheduled(base), data, thresholds));
    }
    // The best single-JVM baseline: the fastest plain-fit batch size at its faster thread count, with
    // the job's schedule and the rate that ends best on validation (first seed), then every seed.
    BenchResults.Run fastest = runs.stream().filter(r -> r.phase().equals(BenchResults.THROUGHPUT) && r.kind().equals("fit"))
        .max(Comparator.comparingDouble(BenchResults.Run::samplesPerSecond)).orElseThrow();
    JobConfig baseline = base.withBatchSizePerWorker(fastest.batchSize());
    List<BenchResults.Run> trials = new ArrayList<>();
    for (double rate : rates) {
      trials.add(fit(BenchResults.QUALITY, baseline.withLearningRate(rate), fastest.threads(), data, thresholds));
    }
    runs.addAll(trials);
    BenchResults.Run chosen = trials.stream().max(Comparator.comparingDouble(BenchResults.Run::finalValidationAccuracy))
        .orElseThrow();
    for (int i = 1; i < seeds; i++) {
      runs.add(fit(BenchResults.QUALITY, baseline.withLearningRate(chosen.learningRate()).withSeed(base.seed() + i),
          fastest.threads(), data, thresholds));
    }
    // ... and the original question's own setting: Keras' rate, no schedule.
    runs.add(fit(BenchResults.QUALITY, unscheduled(baseline).withLearningRate(KERAS_ADAM_RATE), fastest.threads(), data,
        thresholds));

    List<BenchResults.Summary> summaries = BenchResults.Summary.of(runs, thresholds);
    String defaultLabel = runs.stream().filter(r -> r.phase().equals(BenchResults.QUALITY)).findFirst().orElseThrow().label();
    BenchResults results = new BenchResults(machine, recordedSettings(base, bench), runs, summaries,
        BenchResults.Comparison.of(summaries, runs, defaultLabel, chosen.label()));
    write(out, results, scaling, bench.scalingInputs());
    System.out.println(BenchReport.summary(results));
    System.out.println("wrote " + out.file("report.md"));
    return 0;
  }

  /**
   * The per-round cost of averaging at the executor count of {@code --master}: round, state and
   * broadcast milliseconds with fitting replaced by a wait, and the state's size.
   */
  private int roundCosts(JobConfig c, double fitMillis) throws Exception {
    if (!(fitMillis > 0)) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--round-costs: must be > 0 milliseconds, got " + fitMillis);
    }
    OutputFolder out = open(c);
    try (OutputLock lock = lock(out, c)) {
      return measureRoundCosts(c, fitMillis, out);
    }
  }

  private int measureRoundCosts(JobConfig c, double fitMillis, OutputFolder out) throws Exception {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", machine());
    pipeline = TrainingPipeline.of(c);
    MnistData data = pipeline.load(List.of(c));
    try (JavaSparkContext sc = pipeline.startSpark(new SparkSetup.TaskCounter())) {
      DistributedTrainer.RoundTimes rounds = pipeline.roundCosts(sc, c, data, fitMillis);
      // once the rounds ran every executor has registered; the driver is listed too, except in
      // local mode where it is the only entry
      int executors = Math.max(1, sc.sc().statusTracker().getExecutorInfos().length - 1);
      results.put("master", sc.master());
      results.put("executors", executors);
      results.put("workers", c.partitions() > 0 ? c.partitions() : sc.defaultParallelism());
      results.put("fitStandInMillis", fitMillis);
      results.put("stateBytes", org.mnistspark.train.RoundCosts.stateBytes(c));
      results.put("rounds", rounds);
      log.info("round costs on {} executors: {} ms per round, {} ms outside the {} ms fit stand-in (state {} ms per "
          + "worker, average and broadcast {} ms)", executors, Math.round(rounds.roundMillis()),
          Math.round(rounds.roundMillis() - fitMillis), Math.round(fitMillis), Math.round(rounds.stateMillis()),
          Math.round(rounds.broadcastMillis()));
    }
    results.put("settings", c.asMap());
    out.replace(staging -> staging.write("round-costs.json", ModelStore.JSON.writeValueAsBytes(results)));
    System.out.println("wrote " + out.file("round-costs.json"));
    return 0;
  }

  /** The --out folder of {@code c}, checked. */
  private static OutputFolder open(JobConfig c) {
    return OutputFolder.open("--out", c.out(), KIND, SparkSetup.hadoopConf(SparkSetup.sparkConf(c)));
  }

  /** {@code out}'s lock, held while this bench writes there. */
  private static OutputLock lock(OutputFolder out, JobConfig c) throws IOException {
    return OutputLock.acquire(out, Duration.ofSeconds(c.outLockWait()));
  }

  private static JobConfig unscheduled(JobConfig c) {
    return c.withLearningRateDecay(Decay.CONSTANT).withWarmupEpochs(0);
  }

  private BenchResults.Run fit(String phase, JobConfig c, int threads, MnistData data, List<Double> thresholds) {
    BenchResults.Setting setting = setting(c, "fit", threads);
    announce(phase, setting, c);
    Nd4j.getEnvironment().setMaxThreads(threads);
    int trainCount = Sharder.trainCount(data.train().size(), c.trainLimit(), c.validationFraction());
    int used = c.trainLimit() > 0 ? Math.min(c.trainLimit(), data.train().size()) : data.train().size();
    List<LabeledImage> train = data.train().range(0, trainCount);
    // fitted on the training part, as the Spark runs' scaler
    PixelScaler scaler = PixelScaler.fit(c.scaling(), train);
    PeakMemory.reset();
    DistributedTrainer.Result r = new SingleJvmTrainer(c).train(train, data.train().range(trainCount, used), scaler,
        (s, n) -> {});
    List<DataSet> test = new MinibatchAssembler(scaler, c.evalBatchSize()).assemble(data.test());
    double accuracy = Evaluator.evaluate(r.network(), test).accuracy();
    return logged(BenchResults.Run.of(phase, setting, trainCount, r, thresholds, accuracy, finalTest(r, accuracy, test),
        PeakMemory.peakMiB()));
  }

  private BenchResults.Run spark(String phase, JavaSparkContext sc, JobConfig c, MnistData data, List<Double> thresholds) {
    announce(phase, setting(c, c.trainer().label(), c.threadsPerTask()), c);
    // local mode: every task shares this process, so its thread setting is the tasks' setting
    Nd4j.getEnvironment().setMaxThreads(c.threadsPerTask());
    PeakMemory.reset();
    TrainingPipeline.Outcome o = pipeline.trainOn(sc, new SparkSetup.TaskCounter(), c, data, (s, n) -> {});
    // labelled with the sizes the run chose where they were automatic
    Map<String, Object> ran = o.metrics().config();
    BenchResults.Setting setting = setting(c.withBatchSizePerWorker((Integer) ran.get("batch-size-per-worker"))
        .withAveragingFrequency((Integer) ran.get("averaging-frequency")), c.trainer().label(), c.threadsPerTask());
    double accuracy = o.metrics().test().accuracy();
    List<DataSet> test = new MinibatchAssembler(o.scaler(), c.evalBatchSize()).assemble(data.test());
    return logged(BenchResults.Run.of(phase, setting, o.metrics().data().trainImages(), o.training(), thresholds, accuracy,
        finalTest(o.training(), accuracy, test), PeakMemory.peakMiB()));
  }

  /** Test accuracy of the parameters after the last step: {@code keptAccuracy} unless keep-best-validation restored others. */
  private static double finalTest(DistributedTrainer.Result r, double keptAccuracy, List<DataSet> test) {
    if (r.kept() == null) {
      return keptAccuracy;
    }
    MultiLayerNetwork last = r.network().clone();
    r.last().applyParamsTo(last);
    return Evaluator.evaluate(last, test).accuracy();
  }

  private static BenchResults.Setting setting(JobConfig c, String kind, int threads) {
    return new BenchResults.Setting(kind, c.seed(), c.batchSizePerWorker(), c.averagingFrequency(), c.averagingGrowth(), threads,
        c.learningRate(), c.learningRateDecay().label(), c.warmupEpochs());
  }

  private void announce(String phase, BenchResults.Setting setting, JobConfig c) {
    done++;
    log.info("bench {}/{} ({}): {} seed {} on {} images, {} epochs", done, total, phase, setting.label(), c.seed(),
        Sharder.trainCount(60_000, c.trainLimit(), c.validationFraction()), c.epochs());
  }

  private static BenchResults.Run logged(BenchResults.Run r) {
    log.info("bench result {} seed {} ({}): {} samples/s, seconds to thresholds {}, best validation {}, final validation {}, "
            + "test accuracy {} (final parameters {}), peak RSS {} MiB", r.label(), r.seed(), r.phase(),
        Math.round(r.samplesPerSecond()), r.secondsToThresholds(), String.format("%.4f", r.bestValidationAccuracy()),
        String.format("%.4f", r.finalValidationAccuracy()), String.format("%.4f", r.testAccuracy()),
        String.format("%.4f", r.finalTestAccuracy()), r.peakRssMiB());
    return r;
  }

  private static Map<String, Object> recordedSettings(JobConfig base, BenchConfig bench) {
    Map<String, Object> s = new LinkedHashMap<>(base.asMap());
    s.put("seeds", bench.seeds());
    s.put("thresholds", bench.thresholdList());
    s.put("baseline-learning-rates", bench.baselineLearningRateList());
    s.put("throughput-images", bench.throughputImages());
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

  /** The scaling model's files from {@code inputs} and a benchmark's results: the fit per round and the baseline's seconds. */
  private static Map<String, byte[]> scaling(ScalingReport.Inputs inputs, JsonNode results, String source) throws Exception {
    ScalingModel model = inputs.model(results, source);
    return ScalingReport.files(model, ScalingReport.baselineSeconds(results, source, inputs.thresholds()), source);
  }

  /**
   * results.json, report.md and the two PNGs, and the scaling model's files where {@code scaling}
   * inputs were given, all or nothing; the charts are drawn on local disk first.
   */
  private static void write(OutputFolder out, BenchResults results, ScalingReport.Inputs scaling, String scalingInputs)
      throws Exception {
    Map<String, byte[]> scalingFiles = scaling == null ? Map.of()
        : scaling(scaling, ModelStore.JSON.valueToTree(results), "this run's results.json, with " + scalingInputs);
    String report = BenchReport.markdown(results) + (scaling == null ? "" : "\n## Where it pays beyond two cores\n\n"
        + new String(scalingFiles.get("scaling.md"), StandardCharsets.UTF_8)
        + "\n![predicted samples/s and seconds to each threshold against executors](scaling.png)\n");
    Path charts = Files.createTempDirectory("bench-charts");
    try {
      BenchReport.writeThroughputChart(results, charts.resolve("throughput.png"));
      BenchReport.writeTimeToAccuracyChart(results, charts.resolve("time-to-accuracy.png"));
      out.replace(staging -> {
        staging.write("results.json", ModelStore.JSON.writeValueAsBytes(results));
        staging.copy("throughput.png", charts.resolve("throughput.png").toFile());
        staging.copy("time-to-accuracy.png", charts.resolve("time-to-accuracy.png").toFile());
        staging.write("report.md", report.getBytes(StandardCharsets.UTF_8));
        writeAll(staging, scalingFiles);
      });
    } finally {
      org.apache.commons.io.FileUtils.deleteDirectory(charts.toFile());
    }
  }

  private static void writeAll(OutputFolder.Staging staging, Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      staging.write(f.getKey(), f.getValue());
    }
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
