package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;
import static org.mnistspark.scale.Scaling.STANDARDIZE;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.OutputFolder;

/** results.json: what identifies a run for resuming, and how the file is read and written. */
class StudyResultsTest {
  @TempDir Path tmp;

  private final StudyPlan plan = Runs.plan(2, 2, NONE, MINMAX);
  private final StudyPlan.Run run = Runs.run(plan, MINMAX, 1);

  @Test
  void aRecordIsTheResultOfTheSameScalingSeedAndOptionsOnly() {
    RunRecord r = Runs.record(run, 0.9, 1, 0.8, 0.9);
    assertThat(r.isResultOf(run)).isTrue();
    assertThat(r.isResultOf(Runs.run(plan, NONE, 1))).as("other scaling").isFalse();
    assertThat(r.isResultOf(Runs.run(plan, MINMAX, 0))).as("other seed").isFalse();
    for (Object[] change : new Object[][] {{"epochs", 3}, {"learning-rate", 0.01}, {"train-limit", 3000},
        {"data", "/other"}, {"master", "local[4]"}, {"batch-size-per-worker", 32}}) {
      StudyPlan other = new StudyPlan(Runs.base(2, Map.of((String) change[0], change[1])), plan.scalings(), 2);
      assertThat(r.isResultOf(Runs.run(other, MINMAX, 1))).as("other %s", change[0]).isFalse();
    }
    StudyPlan elsewhere = new StudyPlan(plan.base().withOut("/somewhere/else"), plan.scalings(), 2);
    assertThat(r.isResultOf(Runs.run(elsewhere, MINMAX, 1))).as("the output folder does not matter").isTrue();
    StudyPlan checkpointed = new StudyPlan(Runs.base(2, Map.of("checkpoint-every-epochs", 3, "keep-checkpoints", 5)),
        plan.scalings(), 2);
    assertThat(r.isResultOf(Runs.run(checkpointed, MINMAX, 1))).as("nor do checkpoint settings, which a study does not use")
        .isTrue();
  }

  @Test
  void runsRecordedBeforeTheScheduleExistedAreFoundWithTheOldDefaultsConf() throws Exception {
    // docs/studies/fashion-adam-16 as committed (complete): seed 42's three runs were written before the
    // schedule's options existed; seed 43's are not in this one-seed plan
    String root = System.getProperty("project.root", "..");
    StudyResults results = new StudyFolder(new Configuration(), Path.of(root, "docs", "studies", "fashion-adam-16").toString())
        .readResults().orElseThrow();
    File before = Path.of(root, "conf", "before-schedule.conf").toFile();
    Map<String, Object> asRun = Map.of("dataset", "fashion-mnist", "epochs", 16, "early-stop-patience", 4);
    StudyPlan resumed = new StudyPlan(JobConfig.load(before, asRun), List.of(NONE, MINMAX, STANDARDIZE), 1);
    assertThat(resumed.runs()).filteredOn(r -> results.resultOf(r).isPresent()).extracting(StudyPlan.Run::scaling)
        .containsExactly(NONE, MINMAX, STANDARDIZE);
    StudyPlan today = new StudyPlan(JobConfig.load(null, asRun), resumed.scalings(), 1);
    assertThat(today.runs()).as("today's defaults are other runs").noneMatch(r -> results.resultOf(r).isPresent());
  }

  @Test
  void recordsSurviveTheRoundTripThroughResultsJson() throws Exception {
    StudyFolder folder = new StudyFolder(new Configuration(), tmp.resolve("study").toString());
    assertThat(folder.readResults()).isEmpty();
    StudyResults written = StudyResults.empty(plan).with(run, Runs.record(run, 0.9, 1.5, 0.8, 0.9), "2026-01-01T00:00:00Z");
    folder.writeResults(written, null);

    StudyResults read = folder.readResults().orElseThrow();
    assertThat(read.resultOf(run)).as("a seed read back as Integer still matches the Long").isPresent();
    RunRecord back = read.runs().get(0);
    RunRecord orig = written.runs().get(0);
    assertThat(back.epochs()).isEqualTo(orig.epochs());
    assertThat(back.scaler()).isEqualTo(orig.scaler());
    assertThat(back.testAccuracy()).isEqualTo(orig.testAccuracy());
    assertThat(read.updatedAt()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(read.study()).usingRecursiveComparison().isEqualTo(written.study());
    assertThat(Files.list(tmp.resolve("study"))).as("no temporary or .crc file left").extracting(Path::getFileName)
        .extracting(Path::toString).containsExactlyInAnyOrder(StudyFolder.RESULTS, OutputFolder.MANIFEST);
  }

  @Test
  void aNewRecordReplacesTheOldRecordOfTheSameRun() {
    StudyResults r = StudyResults.empty(plan)
        .with(run, Runs.record(run, 0.90, 1, 0.8, 0.9), "t1")
        .with(Runs.run(plan, NONE, 0), Runs.record(Runs.run(plan, NONE, 0), 0.8, 1, 0.7, 0.8), "t2")
        .with(run, Runs.record(run, 0.95, 1, 0.8, 0.9), "t3");
    assertThat(r.runs()).hasSize(2);
    assertThat(r.resultOf(run).orElseThrow().testAccuracy()).isEqualTo(0.95);
    assertThat(r.updatedAt()).isEqualTo("t3");
    assertThat(r.resultsOf(plan)).extracting(RunRecord::scaling).containsExactly("none", "minmax");
  }

  @Test
  void aFileThatIsNotAStudysResultsIsBadInputNamingIt() throws Exception {
    Path dir = tmp.resolve("study");
    StudyFolder folder = new StudyFolder(new Configuration(), dir.toString());
    folder.write(StudyFolder.RESULTS, "{\"runs\": 3}".getBytes());
    assertThatThrownBy(folder::readResults).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("file:" + dir.resolve(StudyFolder.RESULTS) + ": is not a study's results file (")
        .hasMessageEndingWith("); move it away or choose another --out");
  }

  @Test
  void writeReplacesAnExistingFileWhole() throws Exception {
    StudyFolder folder = new StudyFolder(new Configuration(), tmp.resolve("study").toString());
    folder.write("a.txt", "first, longer content".getBytes());
    folder.write("a.txt", "second".getBytes());
    assertThat(tmp.resolve("study/a.txt")).hasContent("second");
    assertThat(Files.list(tmp.resolve("study"))).hasSize(2);
  }
}
