package org.mnistspark;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The job's one JSON configuration. Files people read (metrics.json, manifests, checkpoints, a
 * study's results) are indented; records kept one per line (history.jsonl, lock files,
 * predictions) are written with {@link #LINE}.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      // the caller closes the streams it opens
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  /** One record on one line. */
  public static final ObjectWriter LINE = MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

  private Json() {}
}
