package org.mnistspark.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.mnistspark.Json;
import org.mnistspark.Messages;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.OutputLock;

/**
 * The study's output folder on any Hadoop file system, an {@link OutputFolder}: checked before the
 * study starts, and every file renamed into place over the old one, so a reader, or a study killed
 * halfway, never sees half a file, and results.json is always a state to resume from.
 */
public final class StudyFolder {
  public static final String RESULTS = "results.json";
  public static final String REPORT_MD = "report.md";
  public static final String REPORT_HTML = "report.html";
  static final String SUMMARY = "summary";
  static final String KIND = "study";

  private final OutputFolder folder;

  /**
   * @throws org.mnistspark.config.InvalidOptionException if {@code location} cannot hold a study's outputs
   *     (it is a file, or a folder this job did not write)
   */
  public StudyFolder(Configuration hadoop, String location) {
    this(hadoop, "--out", location);
  }

  /** As the other constructor, the folder given by {@code option} (named in the refusal). */
  public StudyFolder(Configuration hadoop, String option, String location) {
    this.folder = OutputFolder.open(option, location, KIND, hadoop);
  }

  /** Takes the folder's lock ({@link OutputLock}), waiting up to {@code wait} while another run holds it. */
  public OutputLock lock(Duration wait) throws IOException {
    return OutputLock.acquire(folder, wait);
  }

  public String path(String name) {
    return folder.file(name).toString();
  }

  @Override
  public String toString() {
    return folder.toString();
  }

  /**
   * Returns results.json as stored, or empty when there is none yet.
   *
   * @throws InvalidInputException if the file exists but is not a study's results
   */
  public Optional<StudyResults> readResults() throws IOException {
    Optional<byte[]> content = folder.read(RESULTS);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    String p = path(RESULTS);
    try {
      StudyResults r = Json.MAPPER.readValue(content.get(), StudyResults.class);
      if (r.runs() == null) {
        throw new InvalidInputException(p, "has no \"runs\" list");
      }
      return Optional.of(r);
    } catch (JsonProcessingException | NullPointerException e) {
      throw new InvalidInputException(p, "is not a study's results file (" + Messages.firstLine(e)
          + "); move it away or choose another --out");
    }
  }

  /**
   * Writes results.json: {@code results}, plus {@code summary} (null before any run of the plan
   * has finished) under "summary": every number the report shows, as it shows them before rounding.
   * Reading ignores the summary; it is derived from the runs.
   */
  public void writeResults(StudyResults results, StudySummary summary) throws IOException {
    write(RESULTS, resultsJson(results, summary));
  }

  static byte[] resultsJson(StudyResults results, StudySummary summary) throws IOException {
    ObjectNode tree = Json.MAPPER.valueToTree(results);
    if (summary != null) {
      tree.set(SUMMARY, Json.MAPPER.valueToTree(summary));
    }
    return Json.MAPPER.writeValueAsBytes(tree);
  }

  /** Writes {@code content} as {@code name}, replacing what was there atomically. */
  public void write(String name, byte[] content) throws IOException {
    folder.update(name, content);
  }
}
