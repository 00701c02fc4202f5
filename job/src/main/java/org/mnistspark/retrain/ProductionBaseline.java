package org.mnistspark.retrain;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.hadoop.fs.Path;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.scale.Scaling;
import org.mnistspark.train.MinibatchAssembler;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production's test accuracy on the candidate's test set, so the two are compared on the same
 * images. When production's metrics.json names the same test files (SHA-256 of the test images
 * and test labels as stored) as the candidate's, its recorded accuracy is that number; otherwise
 * production's model.zip is evaluated again, on the driver, on the candidate's test set, with
 * the scaler stored in the model.
 *
 * @param run the production run
 * @param accuracy its accuracy on the candidate's test set; empty when production is unusable
 * @param note how the accuracy was obtained, or why production is unusable
 */
public record ProductionBaseline(String run, OptionalDouble accuracy, String note) {
  private static final Logger log = LoggerFactory.getLogger(ProductionBaseline.class);

  /**
   * Returns production's accuracy on {@code test}. A production run without a loadable model is
   * unusable (it could not serve either), and the candidate is then judged on the floor alone.
   *
   * @throws IOException if the file system fails while checking that production's model exists
   */
  public static ProductionBaseline measure(RetrainRoot root, String run, RunMetrics candidate, LabeledImages test,
      int evalBatchSize) throws IOException {
    ModelStore store = new ModelStore(root.hadoop());
    Path folder = root.run(run);
    Path model = new Path(folder, ModelStore.MODEL);
    if (!root.exists(model)) {
      return new ProductionBaseline(run, OptionalDouble.empty(), "production run " + run + " has no " + ModelStore.MODEL);
    }
    RunMetrics recorded;
    try {
      recorded = store.readMetrics(folder.toString());
    } catch (IOException e) {
      log.warn("production run {}: {}; evaluating its model instead", run, e.getMessage());
      recorded = null;
    }
    if (recorded != null && sameTestSet(recorded, candidate)) {
      return new ProductionBaseline(run, OptionalDouble.of(recorded.test().accuracy()),
          "production's accuracy as recorded in its metrics.json (same test files by SHA-256)");
    }
    ModelStore.Loaded loaded;
    try {
      loaded = store.load(model.toString());
    } catch (IOException e) {
      return new ProductionBaseline(run, OptionalDouble.empty(), "production run " + run + ": " + e.getMessage());
    }
    if (loaded.normalizer() != null && !(loaded.normalizer() instanceof DataNormalization)) {
      return new ProductionBaseline(run, OptionalDouble.empty(), "production run " + run + " stores a scaler of unknown kind ("
          + loaded.normalizer().getClass().getSimpleName() + ")");
    }
    double accuracy = evaluate(loaded, test, evalBatchSize);
    log.info("production run {} re-evaluated on the candidate's {} test images: accuracy {}", run, test.size(), accuracy);
    return new ProductionBaseline(run, OptionalDouble.of(accuracy),
        "production's accuracy re-evaluated on the candidate's test set ("
            + (recorded == null ? "its metrics.json is unreadable" : "its test files differ by SHA-256") + ")");
  }

  public boolean usable() {
    return accuracy.isPresent();
  }

  /** Whether both runs read test images and labels with the same SHA-256. */
  static boolean sameTestSet(RunMetrics a, RunMetrics b) {
    for (String name : List.of(MnistLoader.TEST_IMAGES, MnistLoader.TEST_LABELS)) {
      Optional<String> shaA = sha256Of(a, name);
      if (shaA.isEmpty() || !shaA.equals(sha256Of(b, name))) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> sha256Of(RunMetrics m, String name) {
    if (m.data() == null || m.data().files() == null) {
      return Optional.empty();
    }
    return m.data().files().stream()
        .filter(f -> {
          String file = new Path(f.path()).getName();
          return file.equals(name) || file.equals(name + ".gz");
        })
        .map(MnistData.InputFile::sha256)
        .findFirst();
  }

  /** Accuracy of a stored model on raw test pixels passed through its own stored scaler. */
  static double evaluate(ModelStore.Loaded model, LabeledImages test, int evalBatchSize) {
    List<DataSet> batches = new MinibatchAssembler(new PixelScaler(Scaling.NONE, 0, 1), evalBatchSize).assemble(test);
    if (model.normalizer() instanceof DataNormalization normalizer) {
      batches.forEach(normalizer::transform);
    }
    return Evaluator.evaluate(model.network(), batches).accuracy();
  }
}
