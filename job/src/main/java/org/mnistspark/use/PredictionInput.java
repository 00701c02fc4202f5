package org.mnistspark.use;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.TableConfig;
import org.mnistspark.data.FileSystems;
import org.mnistspark.data.ImageTable;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.PngImages;
import org.mnistspark.data.Sharder;

/**
 * The images predict scores: an IDX image file, read and checked on the driver as training reads
 * its data and broadcast to the executors; a table, read and checked by the executors; or a folder
 * of PNG files, listed on the driver and read and checked by the executors, each its own share of the files.
 */
sealed interface PredictionInput {

  /** How a record names its image: "index" (in the IDX file), "file" (the PNG's name) or "id" (a table row's). */
  String idColumn();

  String location();

  /**
   * The images in order, in {@code partitions} contiguous slices; {@link Spread#close} frees what Spark holds.
   *
   * @throws InvalidInputException if a table's column or row is unusable
   */
  Spread spread(JavaSparkContext sc, int partitions) throws IOException;

  /** @param count how many images there are */
  record Spread(JavaRDD<ImageToScore> images, int count, Runnable release) implements AutoCloseable {
    @Override
    public void close() {
      release.run();
    }
  }

  /**
   * @param location an IDX image file (raw or .gz), a table or a folder of PNG files, any Hadoop path
   * @param columns a table's columns: its image, and a label to ignore
   * @throws InvalidInputException if it is missing, an invalid IDX file, or a folder with nothing to score
   */
  static PredictionInput open(String location, TableConfig columns, Configuration hadoop) throws IOException {
    FileSystems.Input in = FileSystems.input(location, hadoop);
    Path p = in.path();
    FileSystem fs = in.fs();
    FileStatus status;
    try {
      status = fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw new InvalidInputException(fs.makeQualified(p).toString(), "missing (--images takes an IDX image file or a "
          + "folder of PNG files)");
    }
    if (status.isDirectory() && ImageTable.isTable(hadoop, fs.makeQualified(p).toString())) {
      return new TableImages(fs.makeQualified(p).toString(), columns, hadoop);
    }
    if (status.isDirectory()) {
      return PngFolder.list(fs, fs.makeQualified(p), hadoop);
    }
    return new IdxFile(new MnistLoader(hadoop).loadImages(location));
  }

  /** Slice bounds [from, to) cutting {@code count} items into {@code partitions} contiguous parts. */
  private static List<int[]> bounds(int count, int partitions) {
    List<int[]> bounds = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      bounds.add(new int[] {(int) ((long) count * p / partitions), (int) ((long) count * (p + 1) / partitions)});
    }
    return bounds;
  }

  /** An IDX image file, already read and checked. */
  record IdxFile(MnistLoader.ImageFile file) implements PredictionInput {
    @Override
    public String idColumn() {
      return "index";
    }

    @Override
    public String location() {
      return file.file().path();
    }

    @Override
    public Spread spread(JavaSparkContext sc, int partitions) {
      // one broadcast, fetched once per executor, rather than pixels inside every task
      Broadcast<byte[]> pixels = sc.broadcast(file.pixels());
      JavaRDD<ImageToScore> images = sc.parallelize(bounds(file.count(), partitions), partitions)
          .flatMap(new Slice(location(), pixels));
      return new Spread(images, file.count(), () -> pixels.destroy(false));
    }
  }

  /**
   * A table (docs/tables.md), read and checked by the executors once Spark is up: only its image
   * column is needed. Each image is named by the table's id column, or by its position in the table.
   */
  record TableImages(String location, TableConfig columns, Configuration hadoop) implements PredictionInput {
    @Override
    public String idColumn() {
      return "id";
    }

    @Override
    public Spread spread(JavaSparkContext sc, int partitions) throws IOException {
      ImageTable table = ImageTable.openImages(SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), hadoop,
          location, columns.labelColumn(), columns.imageColumn());
      int rows = table.checkedRows();
      String source = location;
      JavaRDD<ImageToScore> images = table.identifiedImages().map(t -> ImageToScore.idx(source, t._1(), t._2()));
      return new Spread(new Sharder(sc, partitions).spread(images, rows), rows, () -> {});
    }
  }

  /** Cuts one slice's images out of the broadcast pixels, on the executor. */
  final class Slice implements FlatMapFunction<int[], ImageToScore> {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final Broadcast<byte[]> pixels;

    Slice(String source, Broadcast<byte[]> pixels) {
      this.source = source;
      this.pixels = pixels;
    }

    @Override
    public Iterator<ImageToScore> call(int[] bounds) {
      byte[] all = pixels.value();
      List<ImageToScore> out = new ArrayList<>(bounds[1] - bounds[0]);
      for (int i = bounds[0]; i < bounds[1]; i++) {
        out.add(ImageToScore.idx(source, i, Arrays.copyOfRange(all, i * LabeledImages.PIXELS, (i + 1) * LabeledImages.PIXELS)));
      }
      return out.iterator();
    }
  }

  /**
   * The PNG files of a folder, by name. Names starting with "." or "_" are skipped, as Hadoop and
   * Spark skip them (checksums, _SUCCESS markers); any other file must be a PNG, and a subfolder is refused.
   */
  record PngFolder(String location, List<String> files, Configuration hadoop) implements PredictionInput {
    static PngFolder list(FileSystem fs, Path dir, Configuration hadoop) throws IOException {
      FileStatus[] entries = fs.listStatus(dir);
      Arrays.sort(entries, Comparator.comparing(s -> s.getPath().getName()));
      List<String> files = new ArrayList<>();
      for (FileStatus s : entries) {
        String name = s.getPath().getName();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        if (s.isDirectory()) {
          throw new InvalidInputException(s.getPath().toString(), "is a folder; --images takes a folder of PNG files, "
              + "not of folders");
        }
        files.add(s.getPath().toString());
      }
      if (files.isEmpty()) {
        throw new InvalidInputException(dir.toString(), "holds no PNG files to score");
      }
      return new PngFolder(dir.toString(), List.copyOf(files), hadoop);
    }

    @Override
    public String idColumn() {
      return "file";
    }

    @Override
    public Spread spread(JavaSparkContext sc, int partitions) {
      JavaRDD<ImageToScore> images = sc.parallelize(files, partitions).map(new ReadPng(new SerializableConfiguration(hadoop)));
      return new Spread(images, files.size(), () -> {});
    }
  }

  /** Reads and checks one PNG on the executor; a file that is not a 28x28 grayscale PNG becomes a refusal. */
  final class ReadPng implements Function<String, ImageToScore> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration hadoop;

    ReadPng(SerializableConfiguration hadoop) {
      this.hadoop = hadoop;
    }

    @Override
    public ImageToScore call(String file) throws IOException {
      Path p = new Path(file);
      try {
        return ImageToScore.png(file, p.getName(), PngImages.read(p, hadoop.value()));
      } catch (IllegalArgumentException e) {
        return ImageToScore.refused(file, p.getName(), e.getMessage());
      }
    }
  }
}
