package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.scale.Scaling.MINMAX;
import static org.mnistspark.scale.Scaling.NONE;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mnistspark.output.ModelStore;

class ReportTest {
  private final StudyPlan plan = Runs.plan(3, 2, NONE, MINMAX);
  private final StudyResults results = results();

  /** none: 98.12% mean test accuracy, 98% at epoch 2; minmax: 99.04%, 98% at epoch 1, 99% at epoch 3. */
  private StudyResults results() {
    double[][] curves = {{0.951, 0.983, 0.985}, {0.962, 0.979, 0.984}, {0.978, 0.986, 0.990}, {0.976, 0.985, 0.992}};
    double[] test = {0.9801, 0.9823, 0.9896, 0.9912};
    StudyResults r = StudyResults.empty(plan);
    int i = 0;
    for (var s : plan.scalings()) {
      for (int seed = 0; seed < 2; seed++) {
        StudyPlan.Run run = Runs.run(plan, s, seed);
        r = r.with(run, Runs.record(run, test[i], 55 + i, curves[i]), "2026-01-0" + (++i) + "T00:00:00Z");
      }
    }
    return r;
  }

  private JsonNode json() throws Exception {
    return ModelStore.JSON.readTree(StudyFolder.resultsJson(results, StudySummary.of(plan, results)));
  }

  @Test
  void everyNumberInTheMarkdownMatchesTheResults() throws Exception {
    String md = Report.markdown(StudySummary.of(plan, results), results.updatedAt(), false);
    ReportCheck.assertMatches(md, json());
    assertThat(ReportCheck.section(md, "## Conclusion")).startsWith("\n\n" + ReportCheck.best(json()) + " had the highest");
    assertThat(md).contains("| none | 2 | 98.12% | 98.01% | 98.23% | 2 (per seed: 2, 3) | not reached | 3 (per seed: 3, 3) | 55.5 | 29 |");
    assertThat(md).contains("![Validation accuracy per epoch](accuracy.png)").contains("![Train and validation loss per epoch](loss.png)")
        .contains("![Validation accuracy against images fitted](accuracy-vs-images.png)")
        .contains("![Validation accuracy against training seconds](accuracy-vs-seconds.png)");
  }

  @Test
  void theNumberCheckCatchesAWrongNumber() throws Exception {
    String md = Report.markdown(StudySummary.of(plan, results), results.updatedAt(), false);
    JsonNode json = json();
    for (String[] edit : new String[][] {{"| 98.12% |", "| 98.13% |"}, {"| 55.5 |", "| 57.0 |"},
        {"2 (per seed: 2, 3)", "3 (per seed: 2, 3)"}, {"97.70% (97.60–97.80%)", "97.70% (97.50–97.80%)"},
        {"(0.0140–0.0150)", "(0.0140–0.0152)"}, {"99.04%", "99.06%"}, {"3 epochs per run", "4 epochs per run"}, {"0.92 points", "0.93 points"}}) {
      assertThat(md).as("report holds %s", edit[0]).contains(edit[0]);
      String wrong = md.replace(edit[0], edit[1]);
      assertThatThrownBy(() -> ReportCheck.assertMatches(wrong, json)).as("changing %s", edit[0]).isInstanceOf(AssertionError.class);
    }
  }

  @Test
  void htmlEmbedsEveryPlotInReadingOrderAndEscapesText() throws Exception {
    byte[] accuracy = {(byte) 0x89, 'P', 'N', 'G', 1};
    byte[] loss = {(byte) 0x89, 'P', 'N', 'G', 2};
    byte[] byImages = {(byte) 0x89, 'P', 'N', 'G', 3};
    byte[] bySeconds = {(byte) 0x89, 'P', 'N', 'G', 4};
    String html = Report.html(StudySummary.of(plan, results), results.updatedAt(),
        new Report.Images(accuracy, loss, byImages, bySeconds, null));
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    for (byte[] png : List.of(accuracy, byImages, bySeconds, loss)) {
      assertThat(m.find()).isTrue();
      assertThat(Base64.getDecoder().decode(m.group(1))).isEqualTo(png);
    }
    assertThat(m.find()).isFalse();
    assertThat(html).contains("<td>none</td><td>2</td><td>98.12%</td>").doesNotContain("accuracy.png");
    assertThat(org.mnistspark.report.Html.escape("a < b & \"c\"")).isEqualTo("a &lt; b &amp; &quot;c&quot;");
  }

  @Test
  void pairedTestsComeFromEachSeedsMistakesAndTheLoadIsWarnedOf() throws Exception {
    StudyPlan.Run none42 = Runs.run(plan, NONE, 0);
    StudyPlan.Run minmax42 = Runs.run(plan, MINMAX, 0);
    StudyPlan.Run none43 = Runs.run(plan, NONE, 1);
    StudyPlan.Run minmax43 = Runs.run(plan, MINMAX, 1);
    StudyResults r = results
        .with(none42, Runs.withMistakes(results.resultOf(none42).orElseThrow(), List.of(1, 2, 3, 4), 1.5, 2), "t")
        .with(minmax42, Runs.withMistakes(results.resultOf(minmax42).orElseThrow(), List.of(4, 5), 5.04, 2), "t")
        .with(none43, Runs.withMistakes(results.resultOf(none43).orElseThrow(), List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 1, 2), "t")
        .with(minmax43, Runs.withMistakes(results.resultOf(minmax43).orElseThrow(), List.of(), 1, 2), "t");
    StudySummary s = StudySummary.of(plan, r);
    String md = Report.markdown(s, "t", false);
    // seed 42: only image 5 is none's alone to get right, 1-3 minmax's: 2 x P(X <= 1), X ~ Bin(4, 1/2) = 0.625
    assertThat(md).contains("| none | minmax | seed 42 | 1 | 3 | 0.6250 |")
        .contains("| none | minmax | seed 43 | 0 | 10 | 0.0020 |")
        .contains("| none | minmax | pooled over 2 seeds | 1 | 13 | 0.0018 |");
    assertThat(s.timingWarning()).contains("load average up to 5.0 on 2 cores");
    assertThat(md).contains("Timing: Other work shared the machine: load average up to 5.0 on 2 cores")
        .contains("These times do not compare the scalings. Other work shared the machine");
    JsonNode json = ModelStore.JSON.readTree(StudyFolder.resultsJson(r, s));
    assertThat(json.at("/summary/pairedTests/0/pooled/p").asDouble()).isCloseTo(30.0 / 16384, within(1e-12));
    assertThat(json.at("/runs/0/testMistakes/0").toString()).isEqualTo("[1,0,1]");
  }

  @Test
  void aStudyOfNetworksShowsItsPlotByNetworkAndTestsEachVariantAgainstTheLeNet() throws Exception {
    StudySummary s = ChartsTest.threeNetworks();
    Report.Images images = new Report.Images(Charts.accuracy(s), Charts.loss(s), null, null, null, null,
        ComparisonCharts.byNetwork(s));
    String md = Report.markdown(s, "t", images);
    assertThat(md).contains("![Test accuracy and conv2's dead units by network](accuracy-by-network.png)")
        .contains("| none | none + batchnorm-conv1 | seed 42 | 0 | 0 | 1.0000 |")
        .contains("| none + leaky-relu-conv2 | minmax + leaky-relu-conv2 | seed 43 | 0 | 2 | 0.5000 |");
    assertThat(Report.markdown(s, "t", false)).doesNotContain("accuracy-by-network.png");
  }

  @Test
  void aScalingWhoseRunsStoppedEarlyLeavesItsLaterEpochsEmpty() {
    StudyPlan plan = Runs.plan(3, 1, org.mnistspark.scale.Scaling.NONE, org.mnistspark.scale.Scaling.MINMAX);
    StudyPlan.Run none = Runs.run(plan, org.mnistspark.scale.Scaling.NONE, 0);
    StudyPlan.Run minmax = Runs.run(plan, org.mnistspark.scale.Scaling.MINMAX, 0);
    StudyResults r = StudyResults.empty(plan)
        .with(none, Runs.record(none, 0.98, 1, 0.96, 0.97, 0.975), "t1")
        .with(minmax, Runs.record(minmax, 0.99, 1, 0.98, 0.985), "t2");
    String md = Report.markdown(StudySummary.of(plan, r), "t2", false);
    assertThat(md).contains("| 3 | 97.50% | — |");
  }
}
