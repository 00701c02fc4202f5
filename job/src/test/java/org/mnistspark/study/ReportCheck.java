package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that every number report.md shows is the one results.json's "summary" holds (written from
 * the same summary the report is drawn from), within the report's rounding. The summary's own
 * arithmetic is checked against hand-computed values in StudySummaryTest and ScalingSummaryTest.
 */
final class ReportCheck {
  private static final double PERCENT = 0.0051; // two decimals, plus float slack
  private static final Pattern TWO_DECIMALS_PERCENT = Pattern.compile("(\\d+\\.\\d{2})(?=%|–)");
  private static final Pattern POINTS = Pattern.compile("(\\d+\\.\\d{2}) points");
  private static final Pattern SECONDS = Pattern.compile("(\\d+\\.\\d) s\\b");

  /** results.json's summary of each scaling, by name, in report order. */
  static Map<String, JsonNode> scalings(JsonNode results) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode summary = results.get("summary");
    assertThat(summary).as("results.json has a summary").isNotNull();
    summary.get("scalings").forEach(s -> out.put(s.get("scaling").asText(), s));
    return out;
  }

  /** The report's "epoch reaching" cell, from the summary's first epochs. */
  static String epochCell(JsonNode results, String scaling, JsonNode threshold) {
    JsonNode reaching = results.at("/summary/epochReaching").get(scaling).get(threshold.asText());
    String cell = epoch(reaching.get("mean"));
    boolean anyReached = false;
    for (JsonNode e : reaching.get("perSeed")) {
      anyReached |= !e.isNull();
    }
    if (reaching.get("perSeed").size() > 1 && anyReached) {
      List<String> each = new ArrayList<>();
      reaching.get("perSeed").forEach(e -> each.add(epoch(e)));
      cell += " (per seed: " + String.join(", ", each) + ")";
    }
    return cell;
  }

  /** The report's "best validation epoch" cell, from each seed's validation curve in the summary. */
  static String bestEpochCell(JsonNode scaling) {
    List<Integer> best = new ArrayList<>();
    for (JsonNode curve : scaling.get("validationPerSeed")) {
      int b = 0;
      for (int e = 1; e < curve.size(); e++) {
        if (curve.get(e).asDouble() > curve.get(b).asDouble()) {
          b = e;
        }
      }
      best.add(b + 1);
    }
    String cell = String.valueOf(Math.round(best.stream().mapToInt(Integer::intValue).average().orElse(0)));
    return best.size() < 2 ? cell : cell + " (per seed: " + String.join(", ", best.stream().map(String::valueOf).toList()) + ")";
  }

  private static String epoch(JsonNode e) {
    return e.isNull() ? "not reached" : e.asText();
  }

  /** Asserts that every table cell, the run counts and the conclusion's numbers match {@code results}. */
  static void assertMatches(String md, JsonNode results) {
    Map<String, JsonNode> exp = scalings(results);
    JsonNode summary = results.get("summary");
    JsonNode data = summary.get("data");

    // the intro
    assertThat(md).contains("- Runs: " + summary.get("finished").asInt() + " of " + summary.get("planned").asInt() + " ");
    assertThat(md).contains("- Data: " + results.at("/study/dataset").asText() + ", " + data.get("trainImages").asInt()
        + " training, " + data.get("validationImages").asInt() + " validation and " + data.get("testImages").asLong()
        + " test images.");
    List<String> seeds = new ArrayList<>();
    results.at("/study/seeds").forEach(s -> seeds.add(s.asText()));
    assertThat(md).contains("; seeds " + String.join(", ", seeds) + "; " + results.at("/study/epochs").asInt() + " epoch");
    assertThat(md).contains("- Training: master " + data.get("master").asText() + ", " + data.get("partitions").asInt()
        + " partitions, minibatches of " + results.at("/study/options/batch-size-per-worker").asInt()
        + " per worker, averaging every " + results.at("/study/options/averaging-frequency").asInt()
        + " minibatches, Adam learning rate " + results.at("/study/options/learning-rate").asText() + ".");
    assertThat(md).contains("- Results as of " + results.get("updatedAt").asText() + ";");

    // the results table
    List<List<String>> rows = table(md, "## Test accuracy and speed");
    assertThat(rows).extracting(r -> r.get(0)).as("one row per scaling").containsExactlyElementsOf(exp.keySet());
    for (List<String> row : rows) {
      JsonNode x = exp.get(row.get(0));
      assertThat(Integer.parseInt(row.get(1))).as("seeds of %s", row.get(0)).isEqualTo(x.get("seeds").size());
      assertPercent(row.get(2), x.at("/testAccuracy/mean").asDouble(), "mean test accuracy of " + row.get(0));
      assertPercent(row.get(3), x.at("/testAccuracy/min").asDouble(), "min test accuracy of " + row.get(0));
      assertPercent(row.get(4), x.at("/testAccuracy/max").asDouble(), "max test accuracy of " + row.get(0));
      int column = 5;
      for (JsonNode t : results.at("/study/thresholds")) {
        assertThat(row.get(column++)).as("epoch of %s reaching %s", row.get(0), t).isEqualTo(epochCell(results, row.get(0), t));
      }
      assertThat(row.get(column++)).as("best epoch of %s", row.get(0)).isEqualTo(bestEpochCell(x));
      assertThat(row).as("columns of %s", row.get(0)).hasSize(column + 2);
      assertThat(Double.parseDouble(row.get(column))).as("seconds per epoch of %s", row.get(0))
          .isCloseTo(x.at("/secondsPerEpoch/mean").asDouble(), within(0.051));
      assertThat(Double.parseDouble(row.get(column + 1))).as("images/s of %s", row.get(0))
          .isCloseTo(x.get("samplesPerSecond").asDouble(), within(0.51));
    }

    // the per-epoch tables
    checkPerEpoch(table(md, "## Validation accuracy per epoch"), exp, "validationAccuracy");
    checkPerEpoch(table(md, "## Loss per epoch"), exp, "trainLoss");

    // the conclusion: every percentage, point difference and time is one results.json gives
    String conclusion = section(md, "## Conclusion");
    List<Double> percents = new ArrayList<>();
    List<Double> points = new ArrayList<>();
    for (JsonNode run : results.get("runs")) {
      percents.add(run.get("testAccuracy").asDouble());
    }
    for (JsonNode x : exp.values()) {
      percents.add(x.at("/testAccuracy/mean").asDouble());
      x.get("validationAccuracy").forEach(band -> percents.add(band.get("mean").asDouble()));
      for (JsonNode y : exp.values()) {
        points.add(Math.abs(x.at("/testAccuracy/mean").asDouble() - y.at("/testAccuracy/mean").asDouble()));
        for (int e = 0; e < Math.min(x.get("epochs").asInt(), y.get("epochs").asInt()); e++) {
          points.add(Math.abs(x.get("validationAccuracy").get(e).get("mean").asDouble()
              - y.get("validationAccuracy").get(e).get("mean").asDouble()));
        }
      }
    }
    assertEach(TWO_DECIMALS_PERCENT, conclusion, percents, 100, PERCENT, "percentage");
    assertEach(POINTS, conclusion, points, 100, PERCENT, "point difference");
    assertEach(SECONDS, conclusion, exp.values().stream().map(x -> x.at("/secondsPerEpoch/mean").asDouble()).toList(), 1,
        0.051, "seconds");
  }

  /** The name of the scaling with the highest mean test accuracy, from results.json's summary. */
  static String best(JsonNode results) {
    return scalings(results).entrySet().stream()
        .max(Comparator.comparingDouble(e -> e.getValue().at("/testAccuracy/mean").asDouble()))
        .orElseThrow().getKey();
  }

  static String section(String md, String heading) {
    int start = md.indexOf(heading + "\n");
    assertThat(start).as("report has %s", heading).isNotNegative();
    int end = md.indexOf("\n## ", start + heading.length());
    return md.substring(start + heading.length(), end < 0 ? md.length() : end);
  }

  /** The body rows of the first table after {@code heading}, as cells. */
  static List<List<String>> table(String md, String heading) {
    List<List<String>> rows = new ArrayList<>();
    boolean seenHeader = false;
    for (String line : section(md, heading).lines().toList()) {
      if (!line.startsWith("|")) {
        if (seenHeader) {
          break;
        }
        continue;
      }
      if (!seenHeader || line.startsWith("|---")) {
        seenHeader = true;
        continue;
      }
      String inner = line.substring(2, line.length() - 2);
      rows.add(List.of(inner.split(" \\| ", -1)));
    }
    assertThat(rows).as("rows of the table under %s", heading).isNotEmpty();
    return rows;
  }

  private static void checkPerEpoch(List<List<String>> rows, Map<String, JsonNode> exp, String curve) {
    boolean accuracy = curve.equals("validationAccuracy");
    List<String> names = new ArrayList<>(exp.keySet());
    for (List<String> row : rows) {
      int e = Integer.parseInt(row.get(0)) - 1;
      for (int i = 0; i < names.size(); i++) {
        JsonNode x = exp.get(names.get(i));
        String cell = row.get(i + 1);
        if (e >= x.get("epochs").asInt()) {
          assertThat(cell).as("%s at epoch %d, which no seed ran", names.get(i), e + 1).isEqualTo("—");
          continue;
        }
        JsonNode band = x.get(curve).get(e);
        Matcher m = Pattern.compile(accuracy ? "([\\d.]+)%(?: \\(([\\d.]+)–([\\d.]+)%\\))?" : "([\\d.]+)(?: \\(([\\d.]+)–([\\d.]+)\\))?")
            .matcher(cell);
        assertThat(m.matches()).as("cell '%s'", cell).isTrue();
        double scale = accuracy ? 100 : 1;
        double tol = accuracy ? PERCENT : 0.000051;
        String what = names.get(i) + " " + curve + " at epoch " + (e + 1);
        assertThat(Double.parseDouble(m.group(1))).as("mean " + what).isCloseTo(band.get("mean").asDouble() * scale, within(tol));
        assertThat(m.group(2) != null).as("range shown iff several seeds: " + what).isEqualTo(x.get("seeds").size() > 1);
        if (m.group(2) != null) {
          assertThat(Double.parseDouble(m.group(2))).as("min " + what).isCloseTo(band.get("min").asDouble() * scale, within(tol));
          assertThat(Double.parseDouble(m.group(3))).as("max " + what).isCloseTo(band.get("max").asDouble() * scale, within(tol));
        }
      }
    }
  }

  private static void assertPercent(String cell, double expected, String what) {
    assertThat(cell).as(what).endsWith("%");
    assertThat(Double.parseDouble(cell.substring(0, cell.length() - 1))).as(what).isCloseTo(expected * 100, within(PERCENT));
  }

  private static void assertEach(Pattern p, String text, List<Double> allowed, double scale, double tol, String what) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      double found = Double.parseDouble(m.group(1));
      boolean known = allowed.stream().anyMatch(a -> Math.abs(a * scale - found) <= tol);
      assertThat(known).as("%s %s in the conclusion is one of results.json's values %s", what,
          String.format(Locale.ROOT, "%s", m.group(1)), allowed).isTrue();
    }
  }
}
