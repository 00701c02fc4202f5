package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that every number report.md shows agrees with results.json. It recomputes the expected
 * values from the JSON tree itself, with plain loops, rather than through the classes under test.
 */
final class ReportCheck {
  private static final double PERCENT = 0.0051; // two decimals, plus float slack
  private static final Pattern TWO_DECIMALS_PERCENT = Pattern.compile("(\\d+\\.\\d{2})(?=%|–)");
  private static final Pattern POINTS = Pattern.compile("(\\d+\\.\\d{2}) points");
  private static final Pattern SECONDS = Pattern.compile("(\\d+\\.\\d) s\\b");

  /** What results.json says about one scaling, computed here. */
  static final class Expected {
    final List<Double> test = new ArrayList<>();
    final List<double[]> validation = new ArrayList<>();
    final List<double[]> loss = new ArrayList<>();
    final List<Double> seconds = new ArrayList<>();
    final List<Double> rates = new ArrayList<>();

    double testMean() {
      return mean(test);
    }

    double at(List<double[]> curves, int epoch, String what) {
      List<Double> v = new ArrayList<>();
      curves.forEach(c -> v.add(c[epoch]));
      return what.equals("mean") ? mean(v) : what.equals("min") ? v.stream().min(Double::compare).orElseThrow()
          : v.stream().max(Double::compare).orElseThrow();
    }

    String firstEpoch(double[] curve, double threshold) {
      for (int e = 0; e < curve.length; e++) {
        if (curve[e] >= threshold) {
          return String.valueOf(e + 1);
        }
      }
      return "not reached";
    }

    String epochCell(double threshold) {
      int epochs = validation.get(0).length;
      double[] mean = new double[epochs];
      for (int e = 0; e < epochs; e++) {
        mean[e] = at(validation, e, "mean");
      }
      String cell = firstEpoch(mean, threshold);
      if (validation.size() > 1) {
        List<String> each = new ArrayList<>();
        validation.forEach(c -> each.add(firstEpoch(c, threshold)));
        cell += " (per seed: " + String.join(", ", each) + ")";
      }
      return cell;
    }
  }

  static double mean(List<Double> v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.size();
  }

  /** The expected values per scaling, in the order of results.json's study.scalings. */
  static Map<String, Expected> expected(JsonNode results) {
    Map<String, Expected> out = new LinkedHashMap<>();
    results.at("/study/scalings").forEach(s -> out.put(s.asText(), new Expected()));
    for (JsonNode run : results.get("runs")) {
      Expected x = out.get(run.get("scaling").asText());
      x.test.add(run.get("testAccuracy").asDouble());
      int n = run.get("epochs").size();
      double[] v = new double[n];
      double[] l = new double[n];
      double secs = 0;
      double rate = 0;
      for (int e = 0; e < n; e++) {
        JsonNode ep = run.get("epochs").get(e);
        v[e] = ep.get("validationAccuracy").asDouble();
        l[e] = ep.get("trainLoss").asDouble();
        secs += ep.get("seconds").asDouble();
        rate += ep.get("samplesPerSecond").asDouble();
      }
      x.validation.add(v);
      x.loss.add(l);
      x.seconds.add(secs / n);
      x.rates.add(rate / n);
    }
    out.values().removeIf(x -> x.test.isEmpty());
    return out;
  }

  /** Asserts that every table cell, the run counts and the conclusion's numbers match {@code results}. */
  static void assertMatches(String md, JsonNode results) {
    Map<String, Expected> exp = expected(results);
    int runs = results.get("runs").size();
    JsonNode first = results.get("runs").get(0);

    // the intro
    assertThat(md).contains("- Runs: " + runs + " of ");
    assertThat(md).contains("- Data: " + results.at("/study/dataset").asText() + ", " + first.get("trainImages").asInt()
        + " training, " + first.get("validationImages").asInt() + " validation and " + first.get("testExamples").asLong()
        + " test images.");
    List<String> seeds = new ArrayList<>();
    results.at("/study/seeds").forEach(s -> seeds.add(s.asText()));
    assertThat(md).contains("; seeds " + String.join(", ", seeds) + "; " + results.at("/study/epochs").asInt() + " epoch");
    assertThat(md).contains("- Training: master " + first.get("master").asText() + ", " + first.get("partitions").asInt()
        + " partitions, minibatches of " + results.at("/study/options/batch-size-per-worker").asInt()
        + " per worker, averaging every " + results.at("/study/options/averaging-frequency").asInt()
        + " minibatches, Adam learning rate " + results.at("/study/options/learning-rate").asText() + ".");
    assertThat(md).contains("- Results as of " + results.get("updatedAt").asText() + ";");

    // the results table
    List<List<String>> rows = table(md, "## Test accuracy and speed");
    assertThat(rows).extracting(r -> r.get(0)).as("one row per scaling").containsExactlyElementsOf(exp.keySet());
    for (List<String> row : rows) {
      Expected x = exp.get(row.get(0));
      assertThat(Integer.parseInt(row.get(1))).as("seeds of %s", row.get(0)).isEqualTo(x.test.size());
      assertPercent(row.get(2), x.testMean(), "mean test accuracy of " + row.get(0));
      assertPercent(row.get(3), x.test.stream().min(Double::compare).orElseThrow(), "min test accuracy of " + row.get(0));
      assertPercent(row.get(4), x.test.stream().max(Double::compare).orElseThrow(), "max test accuracy of " + row.get(0));
      int column = 5;
      for (JsonNode t : results.at("/study/thresholds")) {
        assertThat(row.get(column++)).as("epoch of %s reaching %s", row.get(0), t).isEqualTo(x.epochCell(t.asDouble()));
      }
      assertThat(row).as("columns of %s", row.get(0)).hasSize(column + 2);
      assertThat(Double.parseDouble(row.get(column))).as("seconds per epoch of %s", row.get(0)).isCloseTo(mean(x.seconds), within(0.051));
      assertThat(Double.parseDouble(row.get(column + 1))).as("images/s of %s", row.get(0)).isCloseTo(mean(x.rates), within(0.51));
    }

    // the per-epoch tables
    checkPerEpoch(table(md, "## Validation accuracy per epoch"), exp, true);
    checkPerEpoch(table(md, "## Loss per epoch"), exp, false);

    // the conclusion: every percentage, point difference and time is one the data gives
    String conclusion = section(md, "## Conclusion");
    List<Double> percents = new ArrayList<>();
    List<Double> points = new ArrayList<>();
    List<String> names = new ArrayList<>(exp.keySet());
    for (Expected x : exp.values()) {
      percents.add(x.testMean());
      percents.addAll(x.test);
      for (int e = 0; e < x.validation.get(0).length; e++) {
        percents.add(x.at(x.validation, e, "mean"));
      }
    }
    for (String a : names) {
      for (String b : names) {
        Expected xa = exp.get(a);
        Expected xb = exp.get(b);
        points.add(Math.abs(xa.testMean() - xb.testMean()));
        for (int e = 0; e < xa.validation.get(0).length; e++) {
          points.add(Math.abs(xa.at(xa.validation, e, "mean") - xb.at(xb.validation, e, "mean")));
        }
      }
    }
    assertEach(TWO_DECIMALS_PERCENT, conclusion, percents, 100, PERCENT, "percentage");
    assertEach(POINTS, conclusion, points, 100, PERCENT, "point difference");
    assertEach(SECONDS, conclusion, exp.values().stream().map(x -> mean(x.seconds)).toList(), 1, 0.051, "seconds");
  }

  /** The name of the scaling with the highest mean test accuracy, from the JSON. */
  static String best(JsonNode results) {
    return expected(results).entrySet().stream().max(Map.Entry.comparingByValue(
        java.util.Comparator.comparingDouble(Expected::testMean))).orElseThrow().getKey();
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

  private static void checkPerEpoch(List<List<String>> rows, Map<String, Expected> exp, boolean accuracy) {
    List<String> names = new ArrayList<>(exp.keySet());
    for (List<String> row : rows) {
      int e = Integer.parseInt(row.get(0)) - 1;
      for (int i = 0; i < names.size(); i++) {
        Expected x = exp.get(names.get(i));
        List<double[]> curves = accuracy ? x.validation : x.loss;
        String cell = row.get(i + 1);
        Matcher m = Pattern.compile(accuracy ? "([\\d.]+)%(?: \\(([\\d.]+)–([\\d.]+)%\\))?" : "([\\d.]+)(?: \\(([\\d.]+)–([\\d.]+)\\))?")
            .matcher(cell);
        assertThat(m.matches()).as("cell '%s'", cell).isTrue();
        double scale = accuracy ? 100 : 1;
        double tol = accuracy ? PERCENT : 0.000051;
        String what = names.get(i) + (accuracy ? " validation accuracy" : " train loss") + " at epoch " + (e + 1);
        assertThat(Double.parseDouble(m.group(1))).as("mean " + what).isCloseTo(x.at(curves, e, "mean") * scale, within(tol));
        assertThat(m.group(2) != null).as("range shown iff several seeds: " + what).isEqualTo(curves.size() > 1);
        if (m.group(2) != null) {
          assertThat(Double.parseDouble(m.group(2))).as("min " + what).isCloseTo(x.at(curves, e, "min") * scale, within(tol));
          assertThat(Double.parseDouble(m.group(3))).as("max " + what).isCloseTo(x.at(curves, e, "max") * scale, within(tol));
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
