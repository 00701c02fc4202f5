package org.mnistspark.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.ImageTable;
import org.mnistspark.data.InvalidInputException;
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
    Sharder.Split split = checkSplit(config, data.train().size(), trainImages);
    if (config.scaling() == Scaling.STANDARDIZE && data.train().samePixels(split.train())) {
      int value = data.train().get(0).pixels()[0] & 0xff;
      throw new InvalidOptionException("scaling", config.scaling().label(), "every pixel of the "
          + images(split.train()) + " for training in " + trainImages + " is " + value
          + ", so their standard deviation, which standardizing divides by, is 0 (use minmax or none)");
    }
  }

  /**
   * The split of {@code size} training images from {@code trainImages} (a file or a table).
   *
   * @throws InvalidOptionException if it leaves a part empty
   */
  static Sharder.Split checkSplit(JobConfig config, int size, String trainImages) {
    Sharder.Split split = Sharder.split(size, config.trainLimit(), config.validationFraction());
    if (split.isEmpty()) {
      String used = split.used() < size
          ? "the first " + images(split.used()) + " of " + trainImages + " (--train-limit " + config.trainLimit() + ")"
          : "the " + images(split.used()) + " of " + trainImages;
      throw new InvalidOptionException("validation-fraction", String.valueOf(config.validationFraction()),
          "splits " + used + " into " + split.train() + " for training and " + split.validation()
              + " for validation; each part needs at least one image");
    }
    return split;
  }

  /**
   * Opens {@code config.data()}'s train/ and test/ tables ({@link #checkTableFolders} found them) and
   * checks every row on the executors before training: the tables are too large for the driver, so
   * Spark must be up to read them.
   *
   * @throws org.mnistspark.data.InvalidInputException if a table is missing, empty or has a bad column or row
   * @throws InvalidOptionException if the split leaves a part empty
   */
  static StageInput.Tables tables(SparkSession spark, Configuration hadoop, JobConfig config, TableConfig columns)
      throws IOException {
    ImageTable train = ImageTable.open(spark, hadoop, config.data() + "/train", columns.labelColumn(), columns.imageColumn());
    ImageTable test = ImageTable.open(spark, hadoop, config.data() + "/test", columns.labelColumn(), columns.imageColumn());
    int trainRows = train.checkedRows();
    checkSplit(config, trainRows, train.path());
    int testRows = test.checkedRows();
    List<MnistData.InputFile> files = new ArrayList<>(train.files(hadoop));
    files.addAll(test.files(hadoop));
    log.info("checked {} tables in {}: {} training and {} test images", train.format(), config.data(), trainRows, testRows);
    return new StageInput.Tables(train, trainRows, test, testRows, List.copyOf(files));
  }

  /** Whether {@code folder} holds a train/ table rather than IDX files. */
  static boolean isTables(Configuration hadoop, String folder) {
    return ImageTable.isTable(hadoop, folder + "/train");
  }

  /**
   * Checks that {@code folder} holds both tables, with the file system alone, so that a missing one
   * (or a PNG folder's stray sub-folder or empty label folder) is refused before Spark starts.
   *
   * @throws InvalidInputException naming the missing table or what breaks a rule
   */
  static void checkTableFolders(Configuration hadoop, String folder) throws IOException {
    for (String part : new String[] {"/train", "/test"}) {
      if (!ImageTable.isTable(hadoop, folder + part)) {
        throw new InvalidInputException(folder + part, "no Parquet, ORC or CSV table (nor class folders of PNGs) here; "
            + "a table folder for --data holds train/ and test/");
      }
      ImageTable.checkListing(hadoop, folder + part);
    }
  }

  private static String images(int n) {
    return n + (n == 1 ? " image" : " images");
  }
}
