package org.mnistspark.retrain;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.RunMetrics;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production's test accuracy on the candidate's test set, so the two are compared on the same
 * images. When production's metrics.json names the same test files (SHA-256 of the test images
 * and test labels as stored) as the candidate's, its recorded accuracy is that number; otherwise
 * production's model.zip is evaluated again, on the driver, on the candidate's test set, with
 * the scaler stored in the model. Both files are read only if they match the SHA-256 their
 * run's manifest recorded.
 *
 * <p>Fails closed: a production that cannot be read is an error, never "no production", since a
 * candidate judged on the floor alone could replace a better model.
 *
 * @param run the production run
 * @param accuracy its accuracy on the candidate's test set
 * @param note how the accuracy was obtained
 */
public record ProductionBaseline(String run, double accuracy, String note) {
  private static final Logger log = LoggerFactory.getLogger(ProductionBaseline.class);

  /** Production exists but cannot be read; the retrain fails and production stays as it is. */
  public static final class UnreadableProductionException extends IOException {
    UnreadableProductionException(String run, String problem, Throwable cause) {
      super("production run " + run + " cannot be read (" + problem + "); production is left as it is. Repair "
          + "the run folder, or point production at a good run by hand, then retrain again", cause);
    }
  }

  /**
   * Returns production's accuracy on {@code test}.
   *
   * @throws UnreadableProductionException if production's model or metrics cannot be read or
   *     do not match what was written
   */
  public static ProductionBaseline measure(RetrainRoot root, String run, RunMetrics candidate, LabeledImages test,
      int evalBatchSize) throws IOException {
    ModelStore store = new ModelStore(root.hadoop());
    Path folder = root.run(run);
    RunMetrics recorded;
    ModelStore.Loaded loaded;
    try {
      // loaded even when its recorded accuracy is used: a production that cannot serve is no baseline
      loaded = store.load(new Path(folder, ModelStore.MODEL).toString());
      recorded = store.readMetrics(folder.toString());
    } catch (IOException | RuntimeException e) {
      throw new UnreadableProductionException(run, e.getMessage(), e);
    }
    if (sameTestSet(recorded, candidate)) {
      return new ProductionBaseline(run, recorded.test().accuracy(),
          "production's accuracy as recorded in its metrics.json (same test files by SHA-256)");
    }
    if (loaded.normalizer() != null && !(loaded.normalizer() instanceof DataNormalization)) {
      throw new UnreadableProductionException(run, "it stores a scaler of unknown kind ("
          + loaded.normalizer().getClass().getSimpleName() + ")", null);
    }
    double accuracy = evaluate(loaded, test, evalBatchSize);
    log.info("production run {} re-evaluated on the candidate's {} test images: accuracy {}", run, test.size(), accuracy);
    return new ProductionBaseline(run, accuracy,
        "production's accuracy re-evaluated on the candidate's test set (its test files differ by SHA-256)");
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
    return Evaluator.evaluateRaw(model.network(), (DataNormalization) model.normalizer(), test.all().iterator(),
        evalBatchSize).accuracy();
  }
}
