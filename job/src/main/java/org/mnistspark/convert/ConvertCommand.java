package org.mnistspark.convert;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.Configurable;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.config.SettingsOptions;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.Sharder;
import org.mnistspark.spark.SparkSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The four IDX files as two tables, train/ and test/, in the layout the job reads back with
 * {@code --data}: {@code id} (the image's index in its IDX file), {@code label} (int) and
 * {@code image} (784 bytes, row-major). Spark writes them from the executors; the whole output
 * appears at once (written beside it, then renamed into place) or not at all.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Write the IDX files of --data as Parquet (or ORC) tables train/ and test/ at --out, for training from a "
        + "table (--train-limit: only the first training images).")
public final class ConvertCommand implements Callable<Integer>, Configurable {
  private static final Logger log = LoggerFactory.getLogger(ConvertCommand.class);
  /** Where the k-th copy of an image moves: the original first, then one pixel in each direction. */
  private static final int[][] SHIFTS = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}, {2, 0}};

  private final SettingsOptions settings = SettingsOptions.jobKeys("master", "dataset", "data", "out", "train-limit");

  @Option(names = "--format", defaultValue = "parquet", description = "parquet or orc (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--copies", defaultValue = "1", description = "Copies of each training image, 1-" + 10 + ": the first "
      + "as it is, each further one shifted by a pixel (a larger table from the same data; the test table is not copied).")
  int copies;

  static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("label", DataTypes.IntegerType, false).add("image", DataTypes.BinaryType, false);

  @Override
  public Integer call() throws Exception {
    JobConfig config = settings.resolve(java.util.Map.of("out", "data/mnist-table")).job();
    if (!format.equals("parquet") && !format.equals("orc")) {
      throw new InvalidOptionException("format", format, "must be parquet or orc");
    }
    if (copies < 1 || copies > SHIFTS.length) {
      throw new InvalidOptionException("copies", String.valueOf(copies), "must be 1-" + SHIFTS.length);
    }
    Configuration hadoop = SparkSetup.hadoopConf(SparkSetup.sparkConf(config));
    Path out = new Path(config.out());
    FileSystem fs = out.getFileSystem(hadoop);
    if (fs.exists(out)) {
      throw new InvalidOptionException("out", config.out(), "already exists; the conversion writes a new folder");
    }
    if (out.getParent() != null && !fs.isDirectory(out.getParent())) {
      throw new InvalidOptionException("out", config.out(), "its parent folder does not exist");
    }
    MnistData data = new MnistLoader(hadoop).load(config.data());
    Path tmp = new Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
    try (JavaSparkContext sc = SparkSetup.start(SparkSetup.sparkConf(config), new SparkSetup.TaskCounter())) {
      SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      LabeledImages train = config.trainLimit() > 0 ? data.train().head(Math.min(config.trainLimit(), data.train().size()))
          : data.train();
      write(spark, sc, train, copies, new Path(tmp, "train"));
      write(spark, sc, data.test(), 1, new Path(tmp, "test"));
      if (!fs.rename(tmp, out)) {
        throw new java.io.IOException(out + ": could not rename " + tmp + " into place");
      }
    } finally {
      fs.delete(tmp, true);
    }
    System.out.println("wrote " + out + ": train/ (" + (long) Sharder.split(data.train().size(), config.trainLimit(), 0).used()
        * copies + " images) and test/ ("
        + data.test().size() + " images) as " + format);
    return 0;
  }

  private void write(SparkSession spark, JavaSparkContext sc, LabeledImages images, int copies, Path where) {
    log.info("writing {} images x {} to {}", images.size(), copies, where);
    try (Sharder.Spread spread = new Sharder(sc, 0).spread(images)) {
      JavaRDD<Row> rows = spread.records().zipWithIndex().flatMap(t -> copiesOf(t._1(), t._2(), copies));
      spark.createDataFrame(rows, SCHEMA).write().format(format).save(where.toString());
    }
  }

  /**
   * The rows of image {@code index}: ids index x copies + k, so that ordering by id keeps an
   * image's copies together and the last part of the table (the validation part) holds every copy
   * of the last images, never a shifted twin of a training image.
   */
  static Iterator<Row> copiesOf(LabeledImage image, long index, int copies) {
    List<Row> rows = new ArrayList<>(copies);
    for (int k = 0; k < copies; k++) {
      rows.add(RowFactory.create(index * copies + k, image.label(), shifted(image.pixels(), SHIFTS[k][0], SHIFTS[k][1])));
    }
    return rows.iterator();
  }

  /** The image moved {@code dx} columns right and {@code dy} rows down; what moves in is background (0). */
  static byte[] shifted(byte[] pixels, int dx, int dy) {
    byte[] out = new byte[pixels.length];
    for (int r = 0; r < LabeledImages.ROWS; r++) {
      for (int c = 0; c < LabeledImages.COLUMNS; c++) {
        int from = r - dy;
        int fromColumn = c - dx;
        if (from >= 0 && from < LabeledImages.ROWS && fromColumn >= 0 && fromColumn < LabeledImages.COLUMNS) {
          out[r * LabeledImages.COLUMNS + c] = pixels[from * LabeledImages.COLUMNS + fromColumn];
        }
      }
    }
    return out;
  }

  @Override
  public SettingsOptions settings() {
    return settings;
  }
}
