package org.mnistspark.pipeline;

import java.io.IOException;
import java.util.List;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.Sharder;
import org.mnistspark.scale.Scaling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the IDX files on the driver and checks that every planned run can train on them, before
 * Spark starts: the images are in memory here already, and inside Spark the same problems surface
 * as a stack trace after the context and its executors have been set up.
 */
public final class TrainingInput {
  private static final Logger log = LoggerFactory.getLogger(TrainingInput.class);

  private TrainingInput() {}

  /**
   * Returns the data in the first run's data folder, checked against every run in {@code runs}
   * (which all read that folder).
   *
   * @throws org.mnistspark.data.InvalidInputException if the data are missing or invalid
   * @throws InvalidOptionException if a run's split leaves a part empty, or it standardizes pixels
   *     that are all equal
   * @throws IOException if the file system fails
   */
  static MnistData load(TrainingPipeline.Source source, List<JobConfig> runs) throws IOException {
    String folder = runs.get(0).data();
    MnistData data = source.load(folder);
    for (JobConfig run : runs) {
      check(run, data);
    }
    log.info("loaded {}: {} training and {} test images", folder, data.train().size(), data.test().size());
    return data;
  }

  /**
   * Checks that {@code config} can train on {@code data}.
   *
   * @throws InvalidOptionException if the split leaves a part empty, or it standardizes pixels that are all equal
   */
  public static void check(JobConfig config, MnistData data) {
    String trainImages = data.files().get(0).path();
    Sharder.Split split = Sharder.split(data.train().size(), config.trainLimit(), config.validationFraction());
    if (split.isEmpty()) {
      String used = split.used() < data.train().size()
          ? "the first " + images(split.used()) + " of " + trainImages + " (--train-limit " + config.trainLimit() + ")"
          : "the " + images(split.used()) + " of " + trainImages;
      throw new InvalidOptionException("validation-fraction", String.valueOf(config.validationFraction()),
          "splits " + used + " into " + split.train() + " for training and " + split.validation()
              + " for validation; each part needs at least one image");
    }
    if (config.scaling() == Scaling.STANDARDIZE && data.train().samePixels(split.train())) {
      int value = data.train().get(0).pixels()[0] & 0xff;
      throw new InvalidOptionException("scaling", config.scaling().label(), "every pixel of the "
          + images(split.train()) + " for training in " + trainImages + " is " + value
          + ", so their standard deviation, which standardizing divides by, is 0 (use minmax or none)");
    }
  }

  private static String images(int n) {
    return n + (n == 1 ? " image" : " images");
  }
}
