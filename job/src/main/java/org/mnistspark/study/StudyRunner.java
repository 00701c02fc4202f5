package org.mnistspark.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
  private final LongSupplier nanoTime;
  private final Supplier<Instant> clock;

  public StudyRunner(StudyFolder folder, Consumer<String> log) {
    this(folder, log, System::nanoTime, Instant::now);
  }

  StudyRunner(StudyFolder folder, Consumer<String> log, LongSupplier nanoTime, Supplier<Instant> clock) {
    this.folder = folder;
    this.log = log;
    this.nanoTime = nanoTime;
    this.clock = clock;
  }

  public Outcome run(StudyPlan plan, Supplier<? extends Executor> executors) throws Exception {
    StudyResults results = folder.readResults().map(r -> r.forPlan(plan)).orElse(StudyResults.empty(plan));
    List<StudyPlan.Run> runs = plan.runs();
    StudyResults found = results;
    List<StudyPlan.Run> toDo = runs.stream().filter(r -> found.resultOf(r).isEmpty()).toList();
    log.accept(String.format("study of %d runs (%s x %s, %s each) in %s: %d already in %s, %d to run",
        runs.size(), Format.count(plan.scalings().size(), "scaling"), Format.count(plan.seeds(), "seed"),
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
        RunRecord record = executor.run(run, (stats, epochs) ->
            log.accept(progress.epochLine(run, stats, epochs, progress.epochDone(nanoTime.getAsLong()))));
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

  /** The plots and both reports, from the plan's finished runs; nothing when none has finished. */
  private void writeReport(StudyPlan plan, StudyResults results) throws IOException {
    if (results.resultsOf(plan).isEmpty()) {
      return;
    }
    StudySummary summary = StudySummary.of(plan, results);
    Map<String, List<NetworkProbe>> mechanism = mechanismOfFirstSeeds(plan, results);
    Report.Images images = new Report.Images(Charts.accuracy(summary), Charts.loss(summary),
        Charts.curve(summary, Charts.CurveAxis.IMAGES), Charts.curve(summary, Charts.CurveAxis.SECONDS),
        mechanism.isEmpty() ? null : MechanismChart.png(mechanism));
    if (images.mechanism() != null) {
      folder.write(Report.MECHANISM_PNG, images.mechanism());
    }
    folder.write(Report.ACCURACY_PNG, images.accuracy());
    folder.write(Report.LOSS_PNG, images.loss());
    folder.write(Report.CURVE_IMAGES_PNG, images.curveImages());
    folder.write(Report.CURVE_SECONDS_PNG, images.curveSeconds());
    folder.write(StudyFolder.REPORT_MD, Report.markdown(summary, results.updatedAt(), images.mechanism() != null).getBytes(StandardCharsets.UTF_8));
    folder.write(StudyFolder.REPORT_HTML,
        Report.html(summary, results.updatedAt(), images).getBytes(StandardCharsets.UTF_8));
  }

  /** Each scaling's probes from its first seed that recorded any, in plan order. */
  static Map<String, List<NetworkProbe>> mechanismOfFirstSeeds(StudyPlan plan, StudyResults results) {
    Map<String, List<NetworkProbe>> out = new LinkedHashMap<>();
    for (RunRecord r : results.resultsOf(plan)) {
      if (r.mechanism() != null && !r.mechanism().isEmpty()) {
        out.putIfAbsent(r.scaling(), r.mechanism());
      }
    }
    return out;
  }
}
