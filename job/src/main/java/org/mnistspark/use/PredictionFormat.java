package org.mnistspark.use;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.mnistspark.Json;
import org.mnistspark.config.InvalidOptionException;

/**
 * How predict writes one record per image. Probabilities are written as Java writes a float
 * (the shortest text that reads back to the same float), so nothing is lost to rounding.
 */
enum PredictionFormat {
  /** RFC 4180, with a header line in every part file, as Spark's CSV writer does with header=true. */
  CSV("csv") {
    @Override
    String header(String idColumn) {
      StringBuilder b = new StringBuilder("source,").append(idColumn).append(",predicted");
      for (int c = 0; c < CLASSES; c++) {
        b.append(",p").append(c);
      }
      return b.append('\n').toString();
    }

    @Override
    String line(ImageToScore image, String idColumn, int predicted, float[] probabilities) {
      StringBuilder b = new StringBuilder(quoted(image.source)).append(',')
          .append(image.file == null ? String.valueOf(image.index) : quoted(image.file)).append(',').append(predicted);
      for (float p : probabilities) {
        b.append(',').append(p);
      }
      return b.append('\n').toString();
    }
  },
  /** One JSON object per line: source, index, file or id, predicted, probabilities (p0..p9 as an array). */
  JSONL("jsonl"),
  /** Parquet rows: source, index, file or id, predicted, p0..p9; scored as JSON lines, written by {@link ParquetParts}. */
  PARQUET("parquet");

  /** What a part file starts with: nothing, but for CSV. */
  String header(String idColumn) {
    return "";
  }

  /** One image's record, naming it in {@code idColumn}: a JSON object, but for CSV. */
  String line(ImageToScore image, String idColumn, int predicted, float[] probabilities) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("source", image.source);
    record.put(idColumn, image.file == null ? image.index : image.file);
    record.put("predicted", predicted);
    record.put("probabilities", probabilities);
    try {
      return Json.LINE.writeValueAsString(record) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final int CLASSES = 10;
  final String extension;

  PredictionFormat(String extension) {
    this.extension = extension;
  }

  /** @throws InvalidOptionException for anything but csv, jsonl or parquet */
  static PredictionFormat parse(String value) {
    for (PredictionFormat f : values()) {
      if (f.extension.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new InvalidOptionException("--format", value, "must be one of csv, jsonl, parquet");
  }

  /** The part file of partition {@code p}, named as Spark names its own. */
  String partFile(int p) {
    return String.format(Locale.ROOT, "part-%05d.%s", p, extension);
  }

  private static String quoted(String field) {
    boolean plain = field.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return plain ? field : '"' + field.replace("\"", "\"\"") + '"';
  }
}
