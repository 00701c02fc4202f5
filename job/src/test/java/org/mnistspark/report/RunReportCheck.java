package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.commons.codec.digest.DigestUtils;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;

/**
 * Checks a train run's report against the metrics.json beside it. The expected values are read
 * from the JSON tree and formatted here, not through the classes under test.
 */
public final class RunReportCheck {
  private static final Pattern IMAGE = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
  private static final Pattern ROW = Pattern.compile("<tr>((?:<td>[^<]*</td>)+)</tr>");
  private static final Pattern CELL = Pattern.compile("<td>([^<]*)</td>");

  private RunReportCheck() {}

  /** The report in {@code run} agrees with its metrics.json, and every report file is in the manifest. */
  public static void assertMatches(Path run) throws Exception {
    JsonNode m = ModelStore.JSON.readTree(run.resolve(ModelStore.METRICS).toFile());
    String html = Files.readString(run.resolve(RunReport.HTML));
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
        .contains("<title>Training run: test accuracy " + fraction(m.at("/test/accuracy")) + "</title>");
    assertTestSummary(html, m.at("/test"));
    assertPerClass(html, m.at("/test"));
    assertPerEpoch(html, m.at("/epochs"));
    assertThat(rows(section(html, "Every validation check"))).hasSameSizeAs(iterable(m.at("/validationCurve")));
    for (JsonNode f : m.at("/data/files")) {
      assertThat(html).contains("<td>" + f.get("path").asText() + "</td><td>" + f.get("bytes").asLong() + "</td><td>"
          + f.get("sha256").asText() + "</td>");
    }
    m.at("/config").fieldNames().forEachRemaining(k -> assertThat(html).contains("<tr><td>" + k + "</td><td>"));
    assertImagesAreThePngsBeside(html, run);
    assertInManifest(run);
  }

  private static void assertTestSummary(String html, JsonNode test) {
    assertThat(rows(section(html, "Test set"))).containsExactly(List.of(String.valueOf(test.get("examples").asLong()),
        fraction(test.get("accuracy")), fraction(test.get("precision")), fraction(test.get("recall")),
        fraction(test.get("f1"))));
  }

  /** Ten rows: the confusion matrix's row sum and diagonal, and DL4J's per-class numbers. */
  private static void assertPerClass(String html, JsonNode test) {
    List<List<String>> rows = rows(section(html, "Per-class precision and recall on the test set"));
    assertThat(rows).hasSize(10);
    for (int c = 0; c < 10; c++) {
      JsonNode matrixRow = test.at("/confusionMatrix/" + c);
      long images = 0;
      for (JsonNode n : matrixRow) {
        images += n.asLong();
      }
      JsonNode k = test.at("/perClass/" + c);
      assertThat(rows.get(c)).as("class %d", c).containsExactly(String.valueOf(c), String.valueOf(images),
          String.valueOf(matrixRow.get(c).asLong()), fraction(k.get("precision")), fraction(k.get("recall")),
          fraction(k.get("f1")));
    }
  }

  private static void assertPerEpoch(String html, JsonNode epochs) {
    List<List<String>> rows = rows(section(html, "Validation accuracy and loss"));
    assertThat(rows).hasSameSizeAs(iterable(epochs));
    for (int e = 0; e < rows.size(); e++) {
      JsonNode x = epochs.get(e);
      assertThat(rows.get(e).get(0)).isEqualTo(String.valueOf(x.get("epoch").asInt()));
      assertThat(rows.get(e).get(4)).isEqualTo(String.format(Locale.ROOT, "%.4f", x.get("trainLoss").asDouble()));
      assertThat(rows.get(e).get(5)).isEqualTo(fraction(x.get("validationAccuracy")));
    }
  }

  /** Four PNGs embedded, each byte for byte the file of that plot beside the report. */
  private static void assertImagesAreThePngsBeside(String html, Path run) throws Exception {
    List<byte[]> embedded = new ArrayList<>();
    Matcher i = IMAGE.matcher(html);
    while (i.find()) {
      embedded.add(Base64.getDecoder().decode(i.group(1)));
    }
    List<String> pngs = List.of(RunReport.VALIDATION_PNG, RunReport.LOSS_PNG, RunReport.CONFUSION_PNG,
        RunReport.PER_CLASS_PNG);
    assertThat(embedded).hasSameSizeAs(pngs);
    for (int k = 0; k < pngs.size(); k++) {
      assertThat(embedded.get(k)).as(pngs.get(k)).isEqualTo(Files.readAllBytes(run.resolve(pngs.get(k))));
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(embedded.get(k)));
      assertThat(image).as("%s decodes", pngs.get(k)).isNotNull();
      assertThat(image.getWidth()).isGreaterThan(600);
    }
  }

  private static void assertInManifest(Path run) throws Exception {
    JsonNode manifest = ModelStore.JSON.readTree(run.resolve(OutputFolder.MANIFEST).toFile());
    for (String name : RunReport.FILES) {
      String sha = DigestUtils.sha256Hex(Files.readAllBytes(run.resolve(name)));
      assertThat(manifest.at("/files")).as("manifest entry for %s", name)
          .anyMatch(e -> e.get("name").asText().equals(name) && e.get("sha256").asText().equals(sha));
    }
  }

  /** The HTML from heading {@code h2} to the next h2 or the end. */
  static String section(String html, String h2) {
    int start = html.indexOf("<h2>" + h2 + "</h2>");
    assertThat(start).as("section %s", h2).isNotNegative();
    int end = html.indexOf("<h2>", start + 4);
    return html.substring(start, end < 0 ? html.length() : end);
  }

  /** The data rows (not the header) of the tables in {@code html}, as cell text. */
  static List<List<String>> rows(String html) {
    List<List<String>> rows = new ArrayList<>();
    Matcher r = ROW.matcher(html);
    while (r.find()) {
      List<String> cells = new ArrayList<>();
      Matcher c = CELL.matcher(r.group(1));
      while (c.find()) {
        cells.add(c.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\""));
      }
      rows.add(cells);
    }
    return rows;
  }

  private static String fraction(JsonNode n) {
    return String.format(Locale.ROOT, "%.4f", n.asDouble());
  }

  private static List<JsonNode> iterable(JsonNode array) {
    List<JsonNode> all = new ArrayList<>();
    array.forEach(all::add);
    return all;
  }
}
