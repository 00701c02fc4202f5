package org.mnistspark.study;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.mnistspark.report.Format;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.NetworkProbe;

/**
 * Runs a study's plan: every run not yet in results.json, one after another on one executor,
 * rewriting results.json and the report after each. A run already recorded with the same scaling,
 * seed and options is not repeated, so a stopped study resumes where it stopped. When nothing is
 * left to run, no executor (and so no Spark) is started; the report is written again all the same.
 */
public final class StudyRunner {
  private static final OperatingSystemMXBean LOAD = ManagementFactory.getOperatingSystemMXBean();

  /** Trains one run; the Spark one loads the data and starts the context in {@link #prepare()}. */
  public interface Executor extends AutoCloseable {
    void prepare() throws Exception;

    RunRecord run(StudyPlan.Run run, DistributedTrainer.EpochListener listener) throws Exception;
  }

  /**
   * @param reused runs found in results.json and not repeated
   * @param ran runs trained by this invocation
   */
  public record Outcome(int planned, int reused, int ran) {}

  private final StudyFolder folder;
  private final Consumer<String> log;
  private final List<StudyFolder> reuseFrom;
  private final LongSupplier nanoTime;
  private final Supplier<Instant> clock;

  public StudyRunner(StudyFolder folder, Consumer<String> log) {
    this(folder, log, List.of());
  }

  /** @param reuseFrom other studies whose finished runs of this plan are copied rather than trained again */
  public StudyRunner(StudyFolder folder, Consumer<String> log, List<StudyFolder> reuseFrom) {
    this(folder, log, reuseFrom, System::nanoTime, Instant::now);
  }

  StudyRunner(StudyFolder folder, Consumer<String> log, List<StudyFolder> reuseFrom, LongSupplier nanoTime,
      Supplier<Instant> clock) {
    this.folder = folder;
    this.log = log;
    this.reuseFrom = List.copyOf(reuseFrom);
    this.nanoTime = nanoTime;
    this.clock = clock;
  }

  StudyRunner(StudyFolder folder, Consumer<String> log, LongSupplier nanoTime, Supplier<Instant> clock) {
    this(folder, log, List.of(), nanoTime, clock);
  }

  public Outcome run(StudyPlan plan, Supplier<? extends Executor> executors) throws Exception {
    StudyResults results = recorded(plan);
    List<StudyPlan.Run> runs = plan.runs();
    StudyResults found = results;
    List<StudyPlan.Run> toDo = runs.stream().filter(r -> found.resultOf(r).isEmpty()).toList();
    log.accept(String.format("study of %d runs (%s x %s, %s each) in %s: %d already in %s, %d to run",
        runs.size(), Format.count(plan.conditions().size(),
            plan.conditions().size() == plan.scalings().size() ? "scaling" : "condition"),
        Format.count(plan.seeds(), "seed"),
        Format.epochs(plan.base().epochs()), folder,
        runs.size() - toDo.size(), StudyFolder.RESULTS, toDo.size()));
    if (toDo.isEmpty()) {
      writeReport(plan, results);
      return new Outcome(runs.size(), runs.size(), 0);
    }

    try (Executor executor = executors.get()) {
      executor.prepare();
      StudyProgress progress = new StudyProgress(runs.size(), toDo.size(), plan.base().epochs(), nanoTime.getAsLong());
      for (StudyPlan.Run run : runs) {
        if (!toDo.contains(run)) {
          log.accept(progress.run(run) + ": already in " + StudyFolder.RESULTS + ", skipped");
          continue;
        }
        log.accept(progress.run(run) + ": training");
        long start = nanoTime.getAsLong();
        double[] maxLoad = {0};
        RunRecord record = executor.run(run, (stats, epochs) -> {
          maxLoad[0] = Math.max(maxLoad[0], LOAD.getSystemLoadAverage());
          log.accept(progress.epochLine(run, stats, epochs, progress.epochDone(nanoTime.getAsLong())));
        }).withLoad(maxLoad[0], LOAD.getAvailableProcessors());
        // Record the run before anything else, so a crash after this point does not repeat it.
        results = results.with(run, record, clock.get().toString());
        folder.writeResults(results, StudySummary.of(plan, results));
        writeReport(plan, results);
        log.accept(progress.run(run) + ": done in " + Format.duration((nanoTime.getAsLong() - start) / 1e9)
            + ", test accuracy " + Format.percent(record.testAccuracy()) + "; " + StudyFolder.RESULTS + " and report updated");
      }
    }
    return new Outcome(runs.size(), runs.size() - toDo.size(), toDo.size());
  }

  /** The plots and reports from the runs results.json (and the --reuse-from studies) hold; trains nothing. */
  public Outcome redraw(StudyPlan plan) throws IOException {
    StudyResults results = recorded(plan);
    int found = results.resultsOf(plan).size();
    log.accept(String.format("redrawing the report of %d of %d runs in %s; training none", found, plan.runs().size(),
        folder));
    writeReport(plan, results);
    return new Outcome(plan.runs().size(), found, 0);
  }

  /** results.json as the plan's, with the runs --reuse-from studies finished copied in. */
  private StudyResults recorded(StudyPlan plan) throws IOException {
    return reused(plan, folder.readResults().map(r -> r.forPlan(plan)).orElse(StudyResults.empty(plan)));
  }

  /**
   * {@code results} plus every run of the plan they lack that a --reuse-from study finished with
   * the same options, written to results.json at once so the copies survive a crash.
   */
  private StudyResults reused(StudyPlan plan, StudyResults results) throws IOException {
    StudyResults out = results;
    for (StudyFolder other : reuseFrom) {
      StudyResults theirs = other.readResults().orElse(null);
      if (theirs == null) {
        continue;
      }
      for (StudyPlan.Run run : plan.runs()) {
        if (out.resultOf(run).isEmpty() && theirs.resultOf(run).isPresent()) {
          out = out.with(run, theirs.resultOf(run).get(), clock.get().toString());
          log.accept(run + ": copied from " + other);
        }
      }
    }
    if (out != results) {
      folder.writeResults(out, StudySummary.of(plan, out));
    }
    return out;
  }

  /** The plots and both reports, from the plan's finished runs; nothing when none has finished. */
  private void writeReport(StudyPlan plan, StudyResults results) throws IOException {
    if (results.resultsOf(plan).isEmpty()) {
      return;
    }
    StudySummary summary = StudySummary.of(plan, results);
    MechanismChart.Shown mechanism = mechanismShown(plan, results);
    Report.Images images = new Report.Images(Charts.accuracy(summary), Charts.loss(summary),
        Charts.curve(summary, Charts.CurveAxis.IMAGES), Charts.curve(summary, Charts.CurveAxis.SECONDS),
        mechanism.probes().isEmpty() ? null : MechanismChart.png(mechanism), ComparisonCharts.byLearningRate(summary),
        ComparisonCharts.byNetwork(summary));
    if (images.mechanism() != null) {
      folder.write(Report.MECHANISM_PNG, images.mechanism());
    }
    folder.write(Report.ACCURACY_PNG, images.accuracy());
    folder.write(Report.LOSS_PNG, images.loss());
    folder.write(Report.CURVE_IMAGES_PNG, images.curveImages());
    folder.write(Report.CURVE_SECONDS_PNG, images.curveSeconds());
    if (images.byLearningRate() != null) {
      folder.write(Report.BY_LEARNING_RATE_PNG, images.byLearningRate());
    }
    if (images.byNetwork() != null) {
      folder.write(Report.BY_NETWORK_PNG, images.byNetwork());
    }
    folder.write(StudyFolder.REPORT_MD, Report.markdown(summary, results.updatedAt(), images).getBytes(StandardCharsets.UTF_8));
    folder.write(StudyFolder.REPORT_HTML,
        Report.html(summary, results.updatedAt(), images).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The probes the mechanism plot shows: one run per condition, all of the first seed whose runs
   * measured them in every condition that has any, so the lines compare like with like; failing
   * that, each condition's first seed that measured them.
   */
  static MechanismChart.Shown mechanismShown(StudyPlan plan, StudyResults results) {
    Map<String, Map<Long, RunRecord>> byCondition = StudySummary.byCondition(plan, results);
    byCondition.values().forEach(runs -> runs.values().removeIf(r -> r.mechanism() == null || r.mechanism().isEmpty()));
    byCondition.values().removeIf(Map::isEmpty);
    Long common = plan.seedValues().stream()
        .filter(seed -> byCondition.values().stream().allMatch(runs -> runs.containsKey(seed)))
        .findFirst().orElse(null);
    Map<String, List<NetworkProbe>> probes = new LinkedHashMap<>();
    Map<String, Long> seeds = new LinkedHashMap<>();
    byCondition.forEach((condition, runs) -> {
      long seed = common != null ? common : runs.keySet().iterator().next();
      probes.put(condition, runs.get(seed).mechanism());
      seeds.put(condition, seed);
    });
    return new MechanismChart.Shown(probes, seeds, rows(plan));
  }

  /**
   * Each condition's row in the mechanism plot when the plan compares networks or rates: the
   * network and the rate ("batchnorm-conv1", "rate 0.0003"), so each row holds one of each scaling.
   */
  static Map<String, String> rows(StudyPlan plan) {
    Map<String, String> out = new LinkedHashMap<>();
    if (plan.conditions().size() == plan.scalings().size()) {
      return out;
    }
    for (StudyPlan.Run run : plan.runs()) {
      List<String> row = new ArrayList<>();
      if (plan.variants().size() > 1) {
        row.add(run.config().networkVariant());
      }
      if (plan.learningRates().size() > 1) {
        row.add("rate " + Format.learningRate(run.config().learningRate()));
      }
      out.put(run.condition(), String.join(", ", row));
    }
    return out;
  }
}
