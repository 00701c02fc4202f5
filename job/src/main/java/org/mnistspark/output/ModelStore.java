package org.mnistspark.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.mnistspark.Json;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.Normalizer;

/**
 * A training run's outputs (model.zip, metrics.json, evaluation.txt, the run report) in an {@link OutputFolder}
 * on any Hadoop file system: written all or nothing, and loaded only as written.
 */
public final class ModelStore {
  public static final String MODEL = "model.zip";
  public static final String METRICS = "metrics.json";
  public static final String EVALUATION = "evaluation.txt";
  /** The kind of output folder a training run writes, as its manifest records it. */
  public static final String KIND = "train";
  /** {@link Json#MAPPER}, by the name the bench and the tests use. */
  public static final ObjectMapper JSON = Json.MAPPER;

  private final Configuration hadoop;

  public ModelStore(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** A trained network with the scaler it expects (null when it was trained on raw pixels). */
  public record Loaded(MultiLayerNetwork network, Normalizer<?> normalizer) {}

  /** The output folder of a training run at {@code out}, checked before the run starts. */
  public OutputFolder folder(String option, String out) {
    return OutputFolder.open(option, out, KIND, hadoop);
  }

  /**
   * Writes model.zip (network, updater state and {@code normalizer}), metrics.json, evaluation.txt
   * and the report's files to {@code out}, all or nothing, replacing an earlier run's outputs there.
   *
   * @param report file name to content: report.html and its plots, drawn from {@code metrics}
   * @throws IOException naming the path that could not be written
   */
  public void save(OutputFolder out, MultiLayerNetwork net, DataNormalization normalizer, RunMetrics metrics,
      String evaluation, Map<String, byte[]> report) throws IOException {
    out.replace(staging -> {
      writeModel(staging, net, normalizer);
      try (OutputStream o = staging.create(METRICS)) {
        Json.MAPPER.writeValue(o, metrics);
      }
      staging.write(EVALUATION, evaluation.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> file : report.entrySet()) {
        staging.write(file.getKey(), file.getValue());
      }
    });
  }

  /** Writes {@code out} holding model.zip alone (with its manifest), all or nothing: a model saved outside a train run. */
  public static void saveModel(OutputFolder out, byte[] zip) throws IOException {
    out.replace(staging -> staging.write(MODEL, zip));
  }

  /**
   * DL4J M2's writeModel(..., normalizer) closes its zip stream when it writes the normalizer, before
   * the updater state; adding the normalizer afterwards writes it as the last entry, where the
   * early close does no harm. The zip is built in a local file and copied to the target file system.
   */
  private static void writeModel(OutputFolder.Staging staging, MultiLayerNetwork net, DataNormalization normalizer)
      throws IOException {
    java.io.File local = zipFile(net, normalizer);
    try {
      staging.copy(MODEL, local);
    } finally {
      java.nio.file.Files.deleteIfExists(local.toPath());
    }
  }

  /** model.zip's bytes for {@code net} and {@code normalizer}, as a train run saves them. */
  public static byte[] zip(MultiLayerNetwork net, DataNormalization normalizer) throws IOException {
    java.io.File local = zipFile(net, normalizer);
    try {
      return java.nio.file.Files.readAllBytes(local.toPath());
    } finally {
      java.nio.file.Files.deleteIfExists(local.toPath());
    }
  }

  private static java.io.File zipFile(MultiLayerNetwork net, DataNormalization normalizer) throws IOException {
    java.io.File local = java.io.File.createTempFile("model-", ".zip");
    try {
      ModelSerializer.writeModel(net, local, true);
      if (normalizer != null) {
        ModelSerializer.addNormalizerToModel(local, normalizer);
      }
      return local;
    } catch (IOException | RuntimeException e) {
      java.nio.file.Files.deleteIfExists(local.toPath());
      throw e;
    }
  }

  /**
   * Returns the network and scaler stored in {@code modelZip}. Its bytes are checked against the
   * SHA-256 that the manifest beside it recorded when it was written before DL4J deserializes them
   * (which may run code), so a model changed or replaced since is refused.
   */
  public Loaded load(String modelZip) throws IOException {
    return deserialize(readModel(modelZip), modelZip, true);
  }

  /**
   * The bytes of {@code modelZip}, checked against its manifest as {@link #load} does, for callers
   * that ship them elsewhere (executors) before deserializing.
   *
   * @throws OutputFolder.NotAsWrittenException if they are not what this job wrote there
   */
  public byte[] readModel(String modelZip) throws IOException {
    Path p = new Path(modelZip);
    return OutputFolder.at("model", p.getParent().toString(), KIND, hadoop).readVerified(p.getName());
  }

  /**
   * The network and scaler in model.zip's {@code bytes}, already verified by {@link #readModel}.
   *
   * @param name where the bytes came from, for messages
   * @param withUpdater whether to restore the optimizer state too (only training needs it)
   */
  public static Loaded deserialize(byte[] bytes, String name, boolean withUpdater) throws IOException {
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      Pair<MultiLayerNetwork, Normalizer> pair = ModelSerializer.restoreMultiLayerNetworkAndNormalizer(in, withUpdater);
      return new Loaded(pair.getFirst(), pair.getSecond());
    } catch (IOException | RuntimeException e) {
      throw new IOException(name + ": not a loadable model (" + e.getMessage() + ")", e);
    }
  }

  /** Reads metrics.json of the run in {@code runFolder}, checked against its manifest. */
  public RunMetrics readMetrics(String runFolder) throws IOException {
    Path p = new Path(runFolder, METRICS);
    try {
      return Json.MAPPER.readValue(OutputFolder.at("run", runFolder, KIND, hadoop).readVerified(METRICS), RunMetrics.class);
    } catch (IOException e) {
      throw new IOException(p + ": cannot read run metrics (" + e.getMessage() + ")", e);
    }
  }
}
