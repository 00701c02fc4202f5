package org.mnistspark.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.ModelStore;

/**
 * The study's output folder on any Hadoop file system. Every file is written to a hidden sibling
 * and renamed over the old one, so a reader, or a study killed halfway, never sees half a file.
 */
public final class StudyFolder {
  public static final String RESULTS = "results.json";
  public static final String REPORT_MD = "report.md";
  public static final String REPORT_HTML = "report.html";

  private final Configuration hadoop;
  private final FileSystem fs;
  private final Path dir;

  public StudyFolder(Configuration hadoop, String folder) throws IOException {
    this.hadoop = hadoop;
    FileSystem f = new Path(folder).getFileSystem(hadoop);
    // plain files, without a hidden .crc beside each, as on HDFS or S3
    this.fs = f instanceof LocalFileSystem local ? local.getRawFileSystem() : f;
    this.dir = fs.makeQualified(new Path(folder));
  }

  public String path(String name) {
    return new Path(dir, name).toString();
  }

  @Override
  public String toString() {
    return dir.toString();
  }

  /**
   * Returns results.json as stored, or empty when there is none yet.
   *
   * @throws InvalidInputException if the file exists but is not a study's results
   */
  public Optional<StudyResults> readResults() throws IOException {
    Path p = new Path(dir, RESULTS);
    byte[] content;
    try (InputStream in = fs.open(p)) {
      content = in.readAllBytes();
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    try {
      StudyResults r = ModelStore.JSON.readValue(content, StudyResults.class);
      if (r.runs() == null) {
        throw new InvalidInputException(p.toString(), "has no \"runs\" list");
      }
      return Optional.of(r);
    } catch (JsonProcessingException | NullPointerException e) {
      throw new InvalidInputException(p.toString(), "is not a study's results file (" + e.getMessage().lines().findFirst()
          .orElse("") + "); move it away or choose another --out");
    }
  }

  public void writeResults(StudyResults results) throws IOException {
    write(RESULTS, ModelStore.JSON.writeValueAsBytes(results));
  }

  /** Writes {@code content} as {@code name}, replacing what was there, via a temporary file and a rename. */
  public void write(String name, byte[] content) throws IOException {
    Path target = new Path(dir, name);
    Path tmp = new Path(dir, "." + name + ".tmp-" + UUID.randomUUID());
    try {
      fs.mkdirs(dir);
      try (OutputStream o = fs.create(tmp, false)) {
        o.write(content);
      }
      if ("file".equals(dir.toUri().getScheme())) {
        Files.move(java.nio.file.Path.of(tmp.toUri()), java.nio.file.Path.of(target.toUri()),
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // FileSystem.rename never overwrites; FileContext's does, atomically on HDFS
        FileContext.getFileContext(dir.toUri(), hadoop).rename(tmp, target, Options.Rename.OVERWRITE);
      }
    } catch (IOException e) {
      fs.delete(tmp, false);
      throw new IOException(target + ": could not write (" + e.getMessage() + ")", e);
    }
  }
}
