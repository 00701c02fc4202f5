package org.mnistspark.data;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A folder of PNG files with labels from sub-folder names ({@code 0/} to {@code 9/}), as rows in
 * the shape {@link ImageTable} reads: id, label, image (784 bytes). The driver lists the files
 * (names, not contents) and checks the folders; the executors read and decode the PNGs as predict
 * does ({@link PngImages}), and the first file that is not a 28x28 8-bit grayscale PNG is refused in
 * one line naming it. The ids number the files in the order of their names, then of their class
 * folders: files named by their index in a data set come out in its order, and the validation part
 * (the last ids) holds every class rather than the last folders.
 */
final class PngClassFolder {
  static final String FORMAT = "png";
  private static final String FILE = "file";
  private static final String PROBLEM = "problem";

  private PngClassFolder() {}

  static Dataset<Row> read(SparkSession spark, Configuration hadoop, String path, String labelColumn, String imageColumn)
      throws IOException {
    List<Row> files = list(hadoop, path);
    StructType schema = new StructType().add(ImageTable.ID, DataTypes.LongType, false)
        .add(labelColumn, DataTypes.IntegerType, false).add(imageColumn, DataTypes.BinaryType, true)
        .add(FILE, DataTypes.StringType, false).add(PROBLEM, DataTypes.StringType, true);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> rows = spark.createDataFrame(sc.parallelize(files, sc.defaultParallelism())
        .map(new Decode(new SerializableConfiguration(hadoop))), schema);
    List<Row> bad = rows.filter(col(PROBLEM).isNotNull()).select(FILE, PROBLEM).takeAsList(1);
    if (!bad.isEmpty()) {
      throw new InvalidInputException(bad.get(0).getString(0), bad.get(0).getString(1));
    }
    return rows.drop(FILE, PROBLEM);
  }

  /** (id, label, file) of every PNG, numbered in the order of the file names, then of the labels. */
  private static List<Row> list(Configuration hadoop, String path) throws IOException {
    Path root = new Path(path);
    List<FileStatus> pngs = pngs(root.getFileSystem(hadoop), root);
    pngs.sort(Comparator.<FileStatus, String>comparing(f -> f.getPath().getName()).thenComparing(f -> label(f)));
    List<Row> rows = new ArrayList<>(pngs.size());
    for (FileStatus f : pngs) {
      rows.add(RowFactory.create((long) rows.size(), Integer.parseInt(label(f)), f.getPath().toString()));
    }
    return rows;
  }

  private static String label(FileStatus png) {
    return png.getPath().getParent().getName();
  }

  /**
   * Every PNG in the label folders, each folder listed once (not recursively: on a local file
   * system that costs a process per file).
   *
   * @throws InvalidInputException naming an entry that is not a label folder 0-9, a label folder
   *     without PNGs, or a file in one that is not a .png
   */
  static List<FileStatus> pngs(FileSystem fs, Path root) throws IOException {
    List<FileStatus> found = new ArrayList<>();
    for (FileStatus folder : fs.listStatus(root)) {
      String label = folder.getPath().getName();
      if (hidden(label)) {
        continue;
      }
      if (!folder.isDirectory() || !label.matches("[0-9]")) {
        throw new InvalidInputException(folder.getPath().toString(), "is not a class folder: a folder of PNGs holds one "
            + "sub-folder per label, named 0 to 9, of that label's PNG files");
      }
      int before = found.size();
      for (FileStatus f : fs.listStatus(folder.getPath())) {
        String name = f.getPath().getName();
        if (hidden(name)) {
          continue;
        }
        if (f.isDirectory() || !name.toLowerCase(Locale.ROOT).endsWith("." + FORMAT)) {
          throw new InvalidInputException(f.getPath().toString(), "is not a .png file; a class folder holds only PNGs");
        }
        found.add(f);
      }
      if (found.size() == before) {
        throw new InvalidInputException(folder.getPath().toString(), "holds no PNG files; a class folder needs at least one");
      }
    }
    return found;
  }

  /**
   * The folder's identity for metrics.json: one entry, its PNGs' total size and the SHA-256 of the
   * list of their paths (relative to the folder) with the SHA-256 of each, in path order; one entry
   * per file would make metrics.json as long as the data set.
   */
  static MnistData.InputFile identity(FileSystem fs, Path root) throws IOException {
    Path qualified = fs.makeQualified(root);
    List<String> lines = new ArrayList<>();
    long bytes = 0;
    for (FileStatus f : pngs(fs, root)) {
      try (InputStream in = fs.open(f.getPath())) {
        lines.add(qualified.toUri().relativize(fs.makeQualified(f.getPath()).toUri()).getPath() + " "
            + DigestUtils.sha256Hex(in) + "\n");
      }
      bytes += f.getLen();
    }
    lines.sort(null);
    return new MnistData.InputFile(qualified.toString(), bytes, DigestUtils.sha256Hex(String.join("", lines)));
  }

  /** Hadoop's and Spark's bookkeeping (checksums, _SUCCESS), which they skip too. */
  static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** Reads and decodes one listed PNG on the executor; a bad one keeps its problem, for the one-line refusal. */
  static final class Decode implements Function<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration hadoop;

    Decode(SerializableConfiguration hadoop) {
      this.hadoop = hadoop;
    }

    @Override
    public Row call(Row listed) throws IOException {
      String file = listed.getString(2);
      try {
        return RowFactory.create(listed.get(0), listed.get(1), PngImages.read(new Path(file), hadoop.value()), file, null);
      } catch (IllegalArgumentException e) {
        return RowFactory.create(listed.get(0), listed.get(1), null, file, e.getMessage());
      }
    }
  }
}
