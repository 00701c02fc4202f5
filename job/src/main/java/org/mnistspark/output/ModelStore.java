package org.mnistspark.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.Normalizer;

/**
 * Writes a run's outputs to a folder on any Hadoop file system, all or nothing: everything goes
 * to a hidden sibling first and is renamed into place, so a reader (or a crash) never sees a
 * half-written model at the output path.
 */
public final class ModelStore {
  public static final String MODEL = "model.zip";
  public static final String METRICS = "metrics.json";
  public static final String EVALUATION = "evaluation.txt";
  public static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      // the caller closes the streams it opens
      .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private final Configuration hadoop;

  public ModelStore(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** A trained network with the scaler it expects (null when it was trained on raw pixels). */
  public record Loaded(MultiLayerNetwork network, Normalizer<?> normalizer) {}

  /**
   * Writes model.zip (network, updater state and {@code normalizer}), metrics.json and
   * evaluation.txt to {@code out}, replacing what was there.
   *
   * @throws IOException naming the path that could not be written
   */
  public void save(String out, MultiLayerNetwork net, DataNormalization normalizer, RunMetrics metrics, String evaluation)
      throws IOException {
    FileSystem fs = new Path(out).getFileSystem(hadoop);
    if (fs instanceof LocalFileSystem local) {
      // else a hidden .crc file lands beside each output file; write plain files, as on HDFS or S3
      fs = local.getRawFileSystem();
    }
    Path target = fs.makeQualified(new Path(out));
    Path tmp = sibling(target, "tmp");
    try {
      fs.mkdirs(tmp);
      writeModel(fs, new Path(tmp, MODEL), net, normalizer);
      try (OutputStream o = fs.create(new Path(tmp, METRICS), false)) {
        JSON.writeValue(o, metrics);
      }
      try (OutputStream o = fs.create(new Path(tmp, EVALUATION), false)) {
        o.write(evaluation.getBytes(StandardCharsets.UTF_8));
      }
      replace(fs, tmp, target);
    } catch (IOException e) {
      fs.delete(tmp, true);
      throw new IOException(target + ": could not write the run's outputs (" + e.getMessage() + ")", e);
    }
  }

  /**
   * DL4J M2's writeModel(..., normalizer) closes its zip stream when it writes the normalizer, before
   * the updater state; adding the normalizer afterwards writes it as the last entry, where the
   * early close does no harm. The zip is built in a local file and copied to the target file system.
   */
  private static void writeModel(FileSystem fs, Path target, MultiLayerNetwork net, DataNormalization normalizer)
      throws IOException {
    java.io.File local = java.io.File.createTempFile("model-", ".zip");
    try {
      ModelSerializer.writeModel(net, local, true);
      if (normalizer != null) {
        ModelSerializer.addNormalizerToModel(local, normalizer);
      }
      fs.copyFromLocalFile(false, true, new Path(local.toURI()), target);
    } finally {
      java.nio.file.Files.deleteIfExists(local.toPath());
    }
  }

  /** Returns the network and scaler stored in {@code modelZip}. */
  public Loaded load(String modelZip) throws IOException {
    Path p = new Path(modelZip);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      Pair<MultiLayerNetwork, Normalizer> pair = ModelSerializer.restoreMultiLayerNetworkAndNormalizer(in, true);
      return new Loaded(pair.getFirst(), pair.getSecond());
    } catch (IOException | RuntimeException e) {
      throw new IOException(modelZip + ": not a loadable model (" + e.getMessage() + ")", e);
    }
  }

  /** Reads metrics.json of the run in {@code runFolder}. */
  public RunMetrics readMetrics(String runFolder) throws IOException {
    Path p = new Path(runFolder, METRICS);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      return JSON.readValue(in, RunMetrics.class);
    } catch (IOException e) {
      throw new IOException(p + ": cannot read run metrics (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Moves {@code ready} to {@code target}. Hadoop's rename never overwrites, so an existing
   * target is first moved aside; the window in which neither exists is two renames long.
   */
  private static void replace(FileSystem fs, Path ready, Path target) throws IOException {
    Path old = null;
    if (fs.exists(target)) {
      old = sibling(target, "old");
      rename(fs, target, old);
    }
    rename(fs, ready, target);
    if (old != null) {
      fs.delete(old, true);
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }

  private static Path sibling(Path target, String kind) {
    return new Path(target.getParent(), "." + target.getName() + "." + kind + "-" + UUID.randomUUID());
  }
}
