package org.mnistspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.ModelStore;

/**
 * The scaling model's inputs read from the folder submit/bench-scaling.sh fills, and its outputs:
 * {@code executors-N/round-costs.json} (bench --round-costs on N executor JVMs) and
 * {@code workers-N/metrics.json} (a training run with N partitions) for each N; the best
 * single-JVM baseline's seconds come from a benchmark's results.json. Writes scaling.json,
 * scaling.md and scaling.png.
 */
final class ScalingReport {
  private ScalingReport() {}

  /**
   * What was measured per executor count, read and checked before a benchmark spends an hour, and
   * the images per round the round costs were measured at.
   */
  record Inputs(List<ScalingModel.Measured> measured, int imagesPerRound, List<Double> thresholds) {

    /**
     * The model, with the fit per round from a benchmark's results (run idle: its default runs'
     * median, each worker with a core of its own); {@code source} names them in messages.
     */
    ScalingModel model(JsonNode benchResults, String source) throws IOException {
      return ScalingModel.of(defaultFitMillis(benchResults, source, imagesPerRound), imagesPerRound, thresholds, measured);
    }
  }

  static Inputs inputs(Path dir, List<Double> thresholds) throws IOException {
    Map<Integer, JsonNode> costs = numbered(dir, "executors-", "round-costs.json");
    Map<Integer, JsonNode> runs = numbered(dir, "workers-", "metrics.json");
    if (costs.isEmpty() || !costs.keySet().equals(runs.keySet())) {
      throw new InvalidInputException(dir.toString(), "needs executors-N/round-costs.json and workers-N/metrics.json for the same N, found "
          + costs.keySet() + " and " + runs.keySet());
    }
    List<ScalingModel.Measured> measured = new ArrayList<>();
    costs.forEach((n, c) -> measured.add(new ScalingModel.Measured(n, c.path("rounds").path("roundMillis").asDouble(),
        c.path("fitStandInMillis").asDouble(), thresholds.stream().map(t -> imagesTo(runs.get(n), t)).toList(),
        runs.get(n).path("test").path("accuracy").asDouble())));
    JsonNode settings = costs.values().iterator().next().path("settings");
    return new Inputs(measured, settings.path("batch-size-per-worker").asInt() * settings.path("averaging-frequency").asInt(),
        thresholds);
  }

  /** The baseline's median seconds to each threshold in a benchmark's results.json; null where its median did not reach one. */
  static List<Double> baselineSeconds(JsonNode r, String source, List<Double> thresholds) throws IOException {
    String label = r.path("comparison").path("baseline").asText();
    for (JsonNode s : r.path("summaries")) {
      if (s.path("label").asText().equals(label)) {
        List<Double> seconds = new ArrayList<>();
        for (double t : thresholds) {
          int i = indexOf(r.path("comparison").path("thresholds"), t);
          if (i < 0) {
            throw new InvalidInputException(source, "has no threshold " + t + " (it has "
                + r.path("comparison").path("thresholds") + ")");
          }
          JsonNode median = s.path("secondsToThresholds").path(i).path("median");
          seconds.add(median.isNumber() ? median.asDouble() : null);
        }
        return seconds;
      }
    }
    throw new InvalidInputException(source, "no summary of the baseline '" + label + "'");
  }

  /** scaling.json, scaling.md and scaling.png, to be written together. */
  static Map<String, byte[]> files(ScalingModel model, List<Double> baselineSeconds, String source) throws Exception {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", model);
    json.put("baselineSeconds", baselineSeconds);
    json.put("baselineFrom", source);
    List<String> reached = new ArrayList<>();
    for (int i = 0; i < model.thresholds().size(); i++) {
      Double b = baselineSeconds.get(i);
      reached.add(String.format(Locale.ROOT, "%s to %.1f%%", b == null ? "not reached" : String.format(Locale.ROOT, "%.0f s", b),
          model.thresholds().get(i) * 100));
    }
    String md = String.format(Locale.ROOT, "A worker's fit per round on its own core: %.0f ms for %d images. The best "
        + "single-JVM baseline (medians in %s): %s.%n%n%s", model.fitMillisPerRound(), model.imagesPerRound(), source,
        String.join(", ", reached), model.markdown());
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("scaling.json", ModelStore.JSON.writeValueAsBytes(json));
    files.put("scaling.md", md.getBytes(StandardCharsets.UTF_8));
    files.put("scaling.png", model.png(baselineSeconds));
    return files;
  }

  /** The median fit per round of the benchmark's default runs, which must fit {@code imagesPerRound} images a round. */
  private static double defaultFitMillis(JsonNode r, String source, int imagesPerRound) throws IOException {
    String label = r.path("comparison").path("defaultRun").asText();
    List<Double> fits = new ArrayList<>();
    for (JsonNode run : r.path("runs")) {
      BenchResults.Setting setting = new BenchResults.Setting(run.path("kind").asText(), run.path("seed").asLong(),
          run.path("batchSize").asInt(), run.path("averagingFrequency").asInt(),
          run.path("averagingGrowth").asInt(1), run.path("threads").asInt(),
          run.path("learningRate").asDouble(), run.path("decay").asText(), run.path("warmupEpochs").asDouble());
      if (run.path("phase").asText().equals(BenchResults.QUALITY) && setting.label().equals(label)
          && setting.batchSize() * setting.averagingFrequency() == imagesPerRound) {
        fits.add(run.path("rounds").path("fitMillis").asDouble());
      }
    }
    if (fits.isEmpty()) {
      throw new InvalidInputException(source, "no quality run of the default '" + label + "' that fits "
          + imagesPerRound + " images per round, as the round costs did");
    }
    return BenchResults.Stat.of(fits).median();
  }

  private static Long imagesTo(JsonNode metrics, double threshold) {
    for (JsonNode p : metrics.path("validationCurve")) {
      if (p.path("accuracy").asDouble() >= threshold) {
        return p.path("imagesFitted").asLong();
      }
    }
    return null;
  }

  private static int indexOf(JsonNode values, double value) {
    for (int i = 0; i < values.size(); i++) {
      if (Math.abs(values.get(i).asDouble() - value) < 1e-9) {
        return i;
      }
    }
    return -1;
  }

  private static Map<Integer, JsonNode> numbered(Path dir, String prefix, String file) throws IOException {
    Map<Integer, JsonNode> found = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(dir.toString(), "no such folder");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(prefix) && name.substring(prefix.length()).matches("[1-9][0-9]*") && Files.isRegularFile(p.resolve(file))) {
          found.put(Integer.parseInt(name.substring(prefix.length())), ModelStore.JSON.readTree(p.resolve(file).toFile()));
        }
      }
    }
    return found;
  }
}
