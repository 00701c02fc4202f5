package org.mnistspark.use;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.mnistspark.Json;
import org.mnistspark.output.OutputFolder;

/**
 * Writes predict's part files as Parquet: the executors score into JSON lines as for jsonl, and
 * the driver, which streams one partition at a time anyway, turns them into rows (source, index,
 * file or id, predicted, p0..p9) of a local Parquet file that is then copied into the staged output.
 * Parquet's own writer rather than Spark's: Spark would write a folder of its own, outside the
 * all-or-nothing output folder.
 */
final class ParquetParts implements AutoCloseable {
  /** The id column of a PNG's record, its file name; the others are whole numbers. */
  private static final String FILE = "file";
  private final OutputFolder.Staging staging;
  private final String idColumn;
  private final MessageType schema;
  private final SimpleGroupFactory rows;
  private ParquetWriter<Group> writer;
  private File local;
  private String name;

  ParquetParts(OutputFolder.Staging staging, String idColumn) {
    this.staging = staging;
    this.idColumn = idColumn;
    StringBuilder s = new StringBuilder("message prediction { required binary source (STRING); ")
        .append(idColumn.equals(FILE) ? "required binary " + FILE + " (STRING); " : "required int64 " + idColumn + "; ")
        .append("required int32 predicted; ");
    for (int c = 0; c < 10; c++) {
      s.append("required float p").append(c).append("; ");
    }
    schema = MessageTypeParser.parseMessageType(s.append('}').toString());
    rows = new SimpleGroupFactory(schema);
  }

  /** Starts part file {@code name}, finishing the one before. */
  void start(String name) throws IOException {
    finish();
    this.name = name;
    local = File.createTempFile("predict-", ".parquet");
    writer = ExampleParquetWriter.builder(new Path(local.toURI())).withType(schema).withConf(new Configuration())
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(CompressionCodecName.SNAPPY).build();
  }

  /** Adds the rows of {@code jsonLines}, as {@link PredictionFormat#JSONL} writes them. */
  void add(byte[] jsonLines) throws IOException {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(jsonLines),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode r = Json.MAPPER.readTree(line);
        Group g = rows.newGroup().append("source", r.get("source").asText());
        if (idColumn.equals(FILE)) {
          g.append(FILE, r.get(FILE).asText());
        } else {
          g.append(idColumn, r.get(idColumn).asLong());
        }
        g.append("predicted", r.get("predicted").asInt());
        for (int c = 0; c < 10; c++) {
          g.append("p" + c, (float) r.get("probabilities").get(c).asDouble());
        }
        writer.write(g);
      }
    }
  }

  /** Closes the current part file and copies it into the staged output. */
  private void finish() throws IOException {
    if (writer == null) {
      return;
    }
    try {
      writer.close();
      staging.copy(name, local);
    } finally {
      writer = null;
      Files.deleteIfExists(local.toPath());
    }
  }

  @Override
  public void close() throws IOException {
    finish();
  }
}
