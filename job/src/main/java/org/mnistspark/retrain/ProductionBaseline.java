package org.mnistspark.retrain;

import java.io.IOException;
import java.util.List;
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
 * and test labels as stored, or of a test table's data files) as the candidate's, its recorded
 * accuracy is that number; otherwise production's model.zip is evaluated again on the candidate's
 * test set ({@link TestSet}: on the driver for IDX files, on the executors for a table), with the
 * scaler stored in the model. Both files are read only if they match the SHA-256 their
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
  /** The folder of a table data folder's test table. */
  private static final String TABLE = "test";

  /** Production exists but cannot be read; the retrain fails and production stays as it is. */
  public static final class UnreadableProductionException extends IOException {
    UnreadableProductionException(String run, String problem, Throwable cause) {
      super("production run " + run + " cannot be read (" + problem + "); production is left as it is. Repair "
          + "the run folder, or point production at a good run by hand, then retrain again", cause);
    }
  }

  /** The candidate's test set, on which production is evaluated again when it was tested on other files. */
  @FunctionalInterface
  public interface TestSet {
    /**
     * @param folder production's run folder
     * @param model its model.zip, loaded and checked
     */
    double accuracy(Path folder, ModelStore.Loaded model, int evalBatchSize) throws IOException;
  }

  /** IDX test images the driver holds: evaluated there. */
  public static TestSet of(LabeledImages test) {
    return (folder, model, evalBatchSize) -> evaluate(model, test, evalBatchSize);
  }

  /**
   * Returns production's accuracy on {@code test}.
   *
   * @throws UnreadableProductionException if production's model or metrics cannot be read or
   *     do not match what was written
   */
  public static ProductionBaseline measure(RetrainRoot root, String run, RunMetrics candidate, TestSet test,
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
    double accuracy = test.accuracy(folder, loaded, evalBatchSize);
    log.info("production run {} re-evaluated on the candidate's test set: accuracy {}", run, accuracy);
    return new ProductionBaseline(run, accuracy,
        "production's accuracy re-evaluated on the candidate's test set (its test files differ by SHA-256)");
  }

  /**
   * Whether both runs read test files with the same SHA-256: the test images and labels of IDX
   * files, or every data file of a test/ table.
   */
  static boolean sameTestSet(RunMetrics a, RunMetrics b) {
    List<String> shaA = testFiles(a);
    return !shaA.isEmpty() && shaA.equals(testFiles(b));
  }

  /** The SHA-256 of a run's test files, sorted. */
  private static List<String> testFiles(RunMetrics m) {
    if (m.data() == null || m.data().files() == null) {
      return List.of();
    }
    return m.data().files().stream()
        .filter(f -> {
          String file = new Path(f.path()).getName();
          boolean idx = List.of(MnistLoader.TEST_IMAGES, MnistLoader.TEST_LABELS).stream()
              .anyMatch(name -> file.equals(name) || file.equals(name + ".gz"));
          return idx || new Path(f.path()).toUri().getPath().contains("/" + TABLE + "/");
        })
        .map(MnistData.InputFile::sha256)
        .sorted()
        .toList();
  }

  /** Accuracy of a stored model on raw test pixels passed through its own stored scaler. */
  static double evaluate(ModelStore.Loaded model, LabeledImages test, int evalBatchSize) {
    return Evaluator.evaluateRaw(model.network(), (DataNormalization) model.normalizer(), test.all().iterator(),
        evalBatchSize).accuracy();
  }
}
