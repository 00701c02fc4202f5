package org.mnistspark.use;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.data.FileSystems;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.output.ModelStore;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.Normalizer;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;

/**
 * A saved model read on the driver before Spark starts: verified against its manifest, loaded once
 * to check that it is this project's LeNet with a scaler it knows, and kept as bytes, which is what
 * executors receive (a broadcast) and load themselves.
 *
 * @param path model.zip, qualified
 * @param sha256 of {@code zip}: executors key their loaded copies by it
 * @param scaling what the stored normalizer does to raw pixels, for metrics.json
 */
public record StoredModel(String path, String sha256, byte[] zip, String scaling) {

  /**
   * @param location model.zip or the folder of the train run that wrote it
   * @throws InvalidInputException if it is missing, not what was written, not a LeNet of this
   *     project, or stores a scaler of an unknown kind
   */
  public static StoredModel read(String location, Configuration hadoop) throws IOException {
    String path = locate(location, hadoop);
    byte[] zip = new ModelStore(hadoop).readModel(path);
    ModelStore.Loaded loaded = ModelStore.deserialize(zip, path, false);
    LeNetCheck.check(path, loaded.network().getLayerWiseConfigurations());
    return new StoredModel(path, DigestUtils.sha256Hex(zip), zip, scaling(path, loaded.normalizer()));
  }

  /** The qualified path of model.zip: {@code location} itself, or model.zip inside it when it is a folder. */
  private static String locate(String location, Configuration hadoop) throws IOException {
    FileSystems.Input in = FileSystems.input(location, hadoop);
    Path p = in.path();
    FileSystem fs = in.fs();
    try {
      if (fs.getFileStatus(p).isDirectory()) {
        // a saved Spark ML model (LeNetClassificationModel) keeps its model.zip in model/
        Path staged = new Path(new Path(p, "model"), ModelStore.MODEL);
        p = fs.exists(new Path(p, ModelStore.MODEL)) || !fs.exists(staged) ? new Path(p, ModelStore.MODEL) : staged;
      }
      fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw new InvalidInputException(fs.makeQualified(p).toString(),
          "no such file (--model takes a train run's model.zip or its folder, or a saved LeNetClassificationModel)");
    }
    return fs.makeQualified(p).toString();
  }

  /** @throws InvalidInputException for a normalizer this project never stores */
  private static String scaling(String path, Normalizer<?> n) throws InvalidInputException {
    if (n == null) {
      return "none (raw 0..255)";
    }
    if (n instanceof ImagePreProcessingScaler) {
      return "minmax (x/255)";
    }
    if (n instanceof NormalizerStandardize s) {
      return "standardize ((x - " + s.getMean().getDouble(0) + ") / " + s.getStd().getDouble(0) + ")";
    }
    throw new InvalidInputException(path, "stores a scaler of unknown kind (" + n.getClass().getSimpleName() + ")");
  }
}
