package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.EpochStats;

/** Resume and bookkeeping of the study, with a fake executor instead of Spark. */
class StudyRunnerTest {
  @TempDir Path tmp;

  private final StudyPlan plan = Runs.plan(2, 2, NONE, MINMAX);
  private final List<String> log = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong();

  /** Trains nothing: reports two epochs and returns a record, 10 fake seconds per epoch. */
  private final class FakeExecutor implements StudyRunner.Executor {
    final List<String> ran = new ArrayList<>();
    final List<Integer> runsOnDiskAtStart = new ArrayList<>();
    int prepared;
    int closed;
    String failOn;

    @Override
    public void prepare() {
      prepared++;
    }

    @Override
    public RunRecord run(StudyPlan.Run run, DistributedTrainer.EpochListener listener) throws Exception {
      runsOnDiskAtStart.add(folder().readResults().map(r -> r.runs().size()).orElse(0));
      if (run.toString().equals(failOn)) {
        throw new IllegalStateException("executor lost");
      }
      ran.add(run.toString());
      for (int e = 1; e <= 2; e++) {
        nanos.addAndGet(10_000_000_000L);
        listener.epochDone(new EpochStats(e, 10, 160, 0.1, 0.9, 1600, null), 2);
      }
      return Runs.record(run, run.scaling() == MINMAX ? 0.99 : 0.98, 10, 0.97, 0.985);
    }

    @Override
    public void close() {
      closed++;
    }
  }

  private StudyFolder folder() throws Exception {
    return new StudyFolder(new Configuration(), tmp.resolve("study").toString());
  }

  private StudyRunner runner() throws Exception {
    return new StudyRunner(folder(), log::add, nanos::get, () -> Instant.ofEpochSecond(nanos.get() / 1_000_000_000L));
  }

  @Test
  void runsEveryPlannedRunOnceRecordingEachBeforeTheNextStarts() throws Exception {
    FakeExecutor ex = new FakeExecutor();
    StudyRunner.Outcome o = runner().run(plan, () -> ex);

    assertThat(o).isEqualTo(new StudyRunner.Outcome(4, 0, 4));
    assertThat(ex.ran).containsExactly("none, seed 42", "minmax, seed 42", "none, seed 43", "minmax, seed 43");
    assertThat(ex.runsOnDiskAtStart).as("results.json rewritten after every run").containsExactly(0, 1, 2, 3);
    assertThat(ex.prepared).isEqualTo(1);
    assertThat(ex.closed).isEqualTo(1);
    assertThat(folder().readResults().orElseThrow().resultsOf(plan)).hasSize(4);
    assertThat(Files.list(tmp.resolve("study"))).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("results.json", "accuracy.png", "loss.png", "report.md", "report.html", "manifest.json",
            "accuracy-vs-images.png", "accuracy-vs-seconds.png");
  }

  @Test
  void logsRunOfNEpochAndTheStudysEta() throws Exception {
    runner().run(plan, FakeExecutor::new);
    assertThat(log.get(0)).isEqualTo("study of 4 runs (2 scalings x 2 seeds, 2 epochs each) in file:" + tmp.resolve("study")
        + ": 0 already in results.json, 4 to run");
    assertThat(log).contains(
        "run 1/4 (none, seed 42): training",
        // 8 epochs in all, 10 s each: after the first, 7 are left
        "run 1/4 (none, seed 42), epoch 1/2: validation accuracy 90.00%, train loss 0.1000, 10.0 s, 160 images/s; study ETA 1 min 10 s",
        "run 4/4 (minmax, seed 43), epoch 2/2: validation accuracy 90.00%, train loss 0.1000, 10.0 s, 160 images/s; study ETA 0 s",
        "run 4/4 (minmax, seed 43): done in 20 s, test accuracy 99.00%; results.json and report updated");
  }

  @Test
  void aSecondInvocationRunsNothingStartsNoExecutorAndLeavesResultsJsonAlone() throws Exception {
    runner().run(plan, FakeExecutor::new);
    Path results = tmp.resolve("study/results.json");
    byte[] before = Files.readAllBytes(results);
    var modified = Files.getLastModifiedTime(results);

    Supplier<StudyRunner.Executor> none = () -> {
      throw new AssertionError("no executor may be started when every run is recorded");
    };
    StudyRunner.Outcome o = runner().run(plan, none);

    assertThat(o).isEqualTo(new StudyRunner.Outcome(4, 4, 0));
    assertThat(Files.readAllBytes(results)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(results)).isEqualTo(modified);
  }

  @Test
  void aFailedStudyResumesWithTheRunsItHadNotFinished() throws Exception {
    FakeExecutor failing = new FakeExecutor();
    failing.failOn = "none, seed 43";
    assertThatThrownBy(() -> runner().run(plan, () -> failing)).hasMessage("executor lost");
    assertThat(failing.closed).as("the executor is closed on failure too").isEqualTo(1);
    assertThat(folder().readResults().orElseThrow().runs()).hasSize(2);

    FakeExecutor resumed = new FakeExecutor();
    StudyRunner.Outcome o = runner().run(plan, () -> resumed);
    assertThat(o).isEqualTo(new StudyRunner.Outcome(4, 2, 2));
    assertThat(resumed.ran).containsExactly("none, seed 43", "minmax, seed 43");
    assertThat(log).contains("run 1/4 (none, seed 42): already in results.json, skipped");
  }

  @Test
  void moreSeedsReuseTheRecordedOnesButOtherOptionsRunAgainKeepingTheOldRecords() throws Exception {
    runner().run(Runs.plan(2, 1, NONE, MINMAX), FakeExecutor::new);

    FakeExecutor more = new FakeExecutor();
    runner().run(plan, () -> more);
    assertThat(more.ran).containsExactly("none, seed 43", "minmax, seed 43");

    FakeExecutor longer = new FakeExecutor();
    StudyPlan threeEpochs = new StudyPlan(plan.base().withEpochs(3), plan.scalings(), 2);
    runner().run(threeEpochs, () -> longer);
    assertThat(longer.ran).hasSize(4);
    StudyResults r = folder().readResults().orElseThrow();
    assertThat(r.runs()).as("the 2-epoch runs are kept").hasSize(8);
    assertThat(r.study().epochs()).isEqualTo(3);
  }

  @Test
  void runsAnotherStudyFinishedAreCopiedNotTrainedAndEachTrainedRunRecordsTheLoad() throws Exception {
    StudyFolder other = new StudyFolder(new Configuration(), tmp.resolve("other").toString());
    new StudyRunner(other, log::add, nanos::get, Instant::now).run(Runs.plan(2, 1, NONE, MINMAX), FakeExecutor::new);

    FakeExecutor ex = new FakeExecutor();
    StudyRunner reusing = new StudyRunner(folder(), log::add, List.of(other), nanos::get, Instant::now);
    StudyRunner.Outcome o = reusing.run(plan, () -> ex);
    assertThat(ex.ran).containsExactly("none, seed 43", "minmax, seed 43");
    assertThat(o).isEqualTo(new StudyRunner.Outcome(4, 2, 2));
    assertThat(log).anyMatch(l -> l.startsWith("none, seed 42: copied from file:" + tmp.resolve("other")));
    StudyResults mine = folder().readResults().orElseThrow();
    StudyResults theirs = other.readResults().orElseThrow();
    StudyPlan.Run copied = Runs.run(plan, NONE, 0);
    assertThat(mine.resultOf(copied)).isEqualTo(theirs.resultOf(copied));
    RunRecord trained = mine.resultOf(Runs.run(plan, NONE, 1)).orElseThrow();
    assertThat(trained.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(trained.maxLoadAverage()).isNotNull();
  }

  @Test
  void aPlanOfRatesAndVariantsRunsEachConditionAndDrawsTheRateAndNetworkPlots() throws Exception {
    StudyPlan arms = new StudyPlan(Runs.base(2), List.of(NONE, MINMAX), 1, List.of(0.98), List.of(0.001, 0.003),
        List.of("lenet", "leaky-relu-conv2"), "");
    FakeExecutor ex = new FakeExecutor();
    runner().run(arms, () -> ex);
    assertThat(ex.ran).containsExactly("none @ 0.001, seed 42", "minmax @ 0.001, seed 42", "none @ 0.003, seed 42",
        "minmax @ 0.003, seed 42", "none + leaky-relu-conv2 @ 0.001, seed 42", "minmax + leaky-relu-conv2 @ 0.001, seed 42",
        "none + leaky-relu-conv2 @ 0.003, seed 42", "minmax + leaky-relu-conv2 @ 0.003, seed 42");
    assertThat(Files.size(tmp.resolve("study").resolve(Report.BY_LEARNING_RATE_PNG))).isPositive();
    BufferedImage byNetwork = ImageIO.read(tmp.resolve("study").resolve(Report.BY_NETWORK_PNG).toFile());
    assertThat(byNetwork.getHeight()).as("test accuracy only: no run measured the probes").isEqualTo(Charts.HEIGHT);
    assertThat(StudyRunner.rows(arms)).containsEntry("minmax @ 0.001", "lenet, rate 0.001")
        .containsEntry("none + leaky-relu-conv2 @ 0.003", "leaky-relu-conv2, rate 0.003").hasSize(8);
    assertThat(StudyRunner.rows(Runs.plan(2, 1, NONE, MINMAX))).as("scalings only: one row").isEmpty();
    assertThat(Files.readString(tmp.resolve("study/report.md")))
        .contains("| none + leaky-relu-conv2 @ 0.003 | 1 | 98.00% |")
        .contains("![Test accuracy by learning rate](accuracy-by-learning-rate.png)");
  }

  @Test
  void redrawingTrainsNothingEvenWithRunsLeftToDo() throws Exception {
    runner().run(Runs.plan(2, 1, NONE, MINMAX), FakeExecutor::new);
    StudyRunner.Outcome o = runner().redraw(plan);
    assertThat(o).isEqualTo(new StudyRunner.Outcome(4, 2, 0));
    assertThat(Files.readString(tmp.resolve("study/report.md"))).contains("- Runs: 2 of 4 planned");
  }
}
