package org.mnistspark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * One table of labelled 28x28 grey images (Parquet, ORC, CSV ({@link CsvTable}) or PNGs in class
 * folders ({@link PngClassFolder}), from any Hadoop path), read by the
 * executors: the driver sees its schema and a few counts, never its rows. A label column of
 * whole numbers 0-9 and an image column that is one of
 * <ul>
 *   <li>binary: 784 bytes, row-major, 0 = background (the layout {@code convert} writes);</li>
 *   <li>an array of 784 numbers 0..255;</li>
 *   <li>Spark's {@code image} data source struct of a 28x28 one-channel 8-bit image.</li>
 * </ul>
 * Rows are taken in the order of an {@code id} column when the table has one ({@code convert}
 * writes the image's index in the IDX file there), else in the order Spark reads them.
 */
public final class ImageTable {
  /** The column that orders the rows when present. */
  public static final String ID = "id";
  private static final String[] FORMATS = {"parquet", "orc", "csv"};

  private final String path;
  private final String format;
  private final Dataset<Row> rows;
  private final String labelColumn;
  private final String imageColumn;
  private final ImageKind kind;

  private ImageTable(String path, String format, Dataset<Row> rows, String labelColumn, String imageColumn, ImageKind kind) {
    this.path = path;
    this.format = format;
    this.rows = rows;
    this.labelColumn = labelColumn;
    this.imageColumn = imageColumn;
    this.kind = kind;
  }

  /** How the image column holds the pixels, and what makes one row's image unusable. */
  enum ImageKind {
    BYTES("784 bytes"),
    NUMBERS("784 numbers 0..255"),
    IMAGE_STRUCT("a 28x28 image with one 8-bit channel (nChannels 1, mode 0)");

    private final String rule;

    ImageKind(String rule) {
      this.rule = rule;
    }

    String rule() {
      return rule;
    }

    /** The 784 pixel bytes of the image in {@code row}'s column {@code i}. */
    byte[] pixels(Row row, int i) {
      return switch (this) {
        case BYTES -> (byte[]) row.get(i);
        case IMAGE_STRUCT -> (byte[]) row.getStruct(i).getAs("data");
        case NUMBERS -> {
          List<Object> values = row.getList(i);
          byte[] pixels = new byte[values.size()];
          for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) Math.round(((Number) values.get(p)).doubleValue());
          }
          yield pixels;
        }
      };
    }

    /** A Spark SQL condition true for a row whose image column {@code c} breaks the rule. */
    String badImage(String c) {
      int n = LabeledImages.PIXELS;
      return switch (this) {
        case BYTES -> c + " IS NULL OR length(" + c + ") != " + n;
        case NUMBERS -> c + " IS NULL OR size(" + c + ") != " + n
            + " OR exists(" + c + ", x -> x IS NULL OR isnan(CAST(x AS DOUBLE)) OR x < 0 OR x > 255)";
        case IMAGE_STRUCT -> c + " IS NULL OR " + c + ".nChannels != 1 OR " + c + ".mode != 0 OR " + c + ".height != "
            + LabeledImages.ROWS + " OR " + c + ".width != " + LabeledImages.COLUMNS + " OR length(" + c + ".data) != " + n;
      };
    }
  }

  /**
   * The table in the folder {@code path}, its columns checked against the rules above.
   *
   * @throws InvalidInputException if the folder holds no Parquet, ORC or CSV files (nor PNGs in label
   *     folders, which break no rule of {@link PngClassFolder}), or a column is missing or has a type
   *     this job cannot read
   */
  public static ImageTable open(SparkSession spark, Configuration hadoop, String path, String labelColumn, String imageColumn)
      throws IOException {
    String format = format(hadoop, path);
    return checked(path, format, read(spark, hadoop, path, format, labelColumn, imageColumn), labelColumn, imageColumn);
  }

  private static Dataset<Row> read(SparkSession spark, Configuration hadoop, String path, String format, String labelColumn,
      String imageColumn) throws IOException {
    if (format == null) {
      throw new InvalidInputException(path, "no Parquet, ORC or CSV files in this folder");
    }
    return switch (format) {
      case "csv" -> CsvTable.read(spark, path, labelColumn, imageColumn);
      case PngClassFolder.FORMAT -> PngClassFolder.read(spark, hadoop, path, labelColumn, imageColumn);
      default -> spark.read().format(format).load(path);
    };
  }

  /**
   * As {@link #open}, for images to score: only the image column is needed (a label column is
   * ignored, and not taken for a pixel column of a CSV table), and an {@code id} column, when there
   * is one, must hold whole numbers (it names each image in the scores).
   */
  public static ImageTable openImages(SparkSession spark, Configuration hadoop, String path, String labelColumn,
      String imageColumn) throws IOException {
    String format = format(hadoop, path);
    ImageTable table = checked(path, format, read(spark, hadoop, path, format, labelColumn, imageColumn), null, imageColumn);
    DataType id = table.hasId() ? type(path, table.rows.schema(), ID, "id") : null;
    if (id != null && !(id instanceof IntegralType)) {
      throw new InvalidInputException(path, "column '" + ID + "' is " + id.simpleString()
          + "; an id must be a whole number (tinyint, smallint, int or bigint)");
    }
    return table;
  }

  /**
   * A DataFrame already loaded (a Spark ML estimator's input), its columns checked as {@link #open}
   * checks a table's; {@code name} stands for it in messages.
   */
  public static ImageTable of(Dataset<Row> rows, String name, String labelColumn, String imageColumn)
      throws InvalidInputException {
    return checked(name, "dataframe", rows, labelColumn, imageColumn);
  }

  private static ImageTable checked(String path, String format, Dataset<Row> rows, String labelColumn, String imageColumn)
      throws InvalidInputException {
    StructType schema = rows.schema();
    DataType label = labelColumn == null ? null : type(path, schema, labelColumn, "label-column");
    if (label != null && !(label instanceof IntegralType)) {
      throw new InvalidInputException(path, "column '" + labelColumn + "' is " + label.simpleString()
          + "; the label must be a whole number 0-9 (tinyint, smallint, int or bigint)");
    }
    ImageKind kind = kind(path, imageColumn, type(path, schema, imageColumn, "image-column"));
    return new ImageTable(path, format, rows, labelColumn, imageColumn, kind);
  }

  /**
   * Whether {@code path} is a folder of Parquet, ORC or CSV files, or of PNGs in label folders
   * (rather than, say, IDX files or a plain folder of PNGs to score); false
   * for a path that cannot be looked at (an unknown scheme, an object store that does not answer),
   * whose one-line refusal is the IDX loader's to give.
   */
  public static boolean isTable(Configuration hadoop, String path) {
    try {
      return format(hadoop, path) != null;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Checks what the file system alone tells about the table at {@code path} (a PNG folder's label
   * folders and files), so that such a problem is refused before Spark starts.
   *
   * @throws InvalidInputException naming what breaks a rule
   */
  public static void checkListing(Configuration hadoop, String path) throws IOException {
    if (PngClassFolder.FORMAT.equals(format(hadoop, path))) {
      Path root = new Path(path);
      PngClassFolder.pngs(root.getFileSystem(hadoop), root);
    }
  }

  public String path() {
    return path;
  }

  /** parquet, orc, csv or png (a folder of PNGs in class folders, {@link PngClassFolder}). */
  public String format() {
    return format;
  }

  /**
   * Counts the rows and checks every one on the executors: a label 0-9 and an image of 784 pixels
   * 0..255. Returns the number of rows.
   *
   * @throws InvalidInputException naming how many rows break which rule, with an example, or if the table is empty
   */
  public long checkedCount() throws InvalidInputException {
    Column l = labelColumn == null ? lit(0) : col(quoted(labelColumn));
    Column badLabel = l.isNull().or(l.lt(0)).or(l.gt(9));
    Column badImage = expr(kind.badImage(quoted(imageColumn)));
    Column noId = hasId() ? col(ID).isNull() : lit(false);
    Row r = rows.agg(count(lit(1)), sum(when(badLabel, 1).otherwise(0)), first(when(badLabel, l), true),
        sum(when(badImage, 1).otherwise(0)), sum(when(noId, 1).otherwise(0))).first();
    long total = r.getLong(0);
    if (total == 0) {
      throw new InvalidInputException(path, "the table has no rows");
    }
    if (r.getLong(4) > 0) {
      throw new InvalidInputException(path, r.getLong(4) + " of " + total + " rows have no '" + ID
          + "'; the rows are taken in id order, so every row needs one");
    }
    if (r.getLong(1) > 0) {
      throw new InvalidInputException(path, r.getLong(1) + " of " + total + " rows have a label ('" + labelColumn
          + "') that is not a whole number 0-9, e.g. " + r.get(2));
    }
    if (r.getLong(3) > 0) {
      throw new InvalidInputException(path, r.getLong(3) + " of " + total + " rows have an image ('" + imageColumn
          + "') that is not " + kind.rule());
    }
    return total;
  }

  /**
   * {@link #checkedCount}, for a table this job can index with an int.
   *
   * @throws InvalidInputException also if it has more than {@link Integer#MAX_VALUE} rows
   */
  public int checkedRows() throws InvalidInputException {
    long rows = checkedCount();
    if (rows > Integer.MAX_VALUE) {
      throw new InvalidInputException(path, rows + " rows; this job reads at most " + Integer.MAX_VALUE);
    }
    return (int) rows;
  }

  /** The rows as records in table order (by {@code id} when present), read on the executors. */
  public JavaRDD<LabeledImage> records() {
    return ordered().select(col(quoted(labelColumn)), col(quoted(imageColumn))).javaRDD().map(new ToRecord(kind));
  }

  /**
   * Each row's id and pixels in table order, read on the executors: the id column's value, or the
   * row's position (from 0) in a table without one.
   */
  public JavaRDD<Tuple2<Long, byte[]>> identifiedImages() {
    ImageKind k = kind;
    if (hasId()) {
      return ordered().select(col(ID).cast("long"), col(quoted(imageColumn))).javaRDD()
          .map(row -> new Tuple2<>(row.getLong(0), k.pixels(row, 1)));
    }
    return rows.select(col(quoted(imageColumn))).javaRDD().zipWithIndex()
        .map(t -> new Tuple2<>(t._2(), k.pixels(t._1(), 0)));
  }

  private boolean hasId() {
    return Arrays.asList(rows.columns()).contains(ID);
  }

  private Dataset<Row> ordered() {
    return hasId() ? rows.orderBy(ID) : rows;
  }

  /** The pixels of the image in column {@code column} of a row, whatever layout {@code kind} says it has. */
  public static byte[] pixels(Row row, int column, String kind) {
    return ImageKind.valueOf(kind).pixels(row, column);
  }

  /**
   * The layout of {@code rows}' image column {@code column}, for {@link #pixels}.
   *
   * @throws InvalidInputException if there is no such column or it cannot hold an image
   */
  public static String imageKind(Dataset<Row> rows, String name, String column) throws InvalidInputException {
    return kind(name, column, type(name, rows.schema(), column, "image-column")).name();
  }

  /** Every data file of the table with its size and SHA-256, in path order: the table's identity in metrics.json. */
  public List<MnistData.InputFile> files(Configuration hadoop) throws IOException {
    Path root = new Path(path);
    FileSystem fs = root.getFileSystem(hadoop);
    if (format.equals(PngClassFolder.FORMAT)) {
      return List.of(PngClassFolder.identity(fs, root));
    }
    List<MnistData.InputFile> files = new ArrayList<>();
    for (LocatedFileStatus f : dataFiles(fs, root)) {
      try (InputStream in = fs.open(f.getPath())) {
        files.add(new MnistData.InputFile(f.getPath().toString(), f.getLen(), DigestUtils.sha256Hex(in)));
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }

  private static String format(Configuration hadoop, String path) throws IOException {
    Path root = new Path(path);
    // an object store is asked once without retries first: S3A's own retries take minutes
    FileSystem fs = FileSystems.open(root, hadoop);
    if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
      return null;
    }
    return firstFormat(fs, root, false);
  }

  /**
   * The format of the first data file found under {@code dir}, depth first, or null; a PNG counts
   * only inside a sub-folder. Listed a folder at a time and stopping at the first: listing a folder
   * of thousands of PNGs recursively costs a process per file on a local file system.
   */
  private static String firstFormat(FileSystem fs, Path dir, boolean nested) throws IOException {
    for (FileStatus entry : fs.listStatus(dir)) {
      String name = entry.getPath().getName().toLowerCase(Locale.ROOT);
      if (PngClassFolder.hidden(name)) {
        continue;
      }
      String format = entry.isDirectory() ? firstFormat(fs, entry.getPath(), true)
          : Arrays.stream(FORMATS).filter(f -> name.endsWith("." + f)).findFirst()
              .orElse(nested && name.endsWith("." + PngClassFolder.FORMAT) ? PngClassFolder.FORMAT : null);
      if (format != null) {
        return format;
      }
    }
    return null;
  }

  /** The files Spark would read: everything but its bookkeeping (names starting with _ or .). */
  private static List<LocatedFileStatus> dataFiles(FileSystem fs, Path root) throws IOException {
    List<LocatedFileStatus> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      String relative = root.toUri().relativize(f.getPath().toUri()).getPath();
      if (Arrays.stream(relative.split("/")).noneMatch(PngClassFolder::hidden)) {
        files.add(f);
      }
    }
    return files;
  }

  private static DataType type(String path, StructType schema, String column, String option) throws InvalidInputException {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    throw new InvalidInputException(path, "no column '" + column + "' (--" + option + "); the table has "
        + String.join(", ", schema.fieldNames()));
  }

  private static ImageKind kind(String path, String column, DataType type) throws InvalidInputException {
    if (type instanceof BinaryType) {
      return ImageKind.BYTES;
    }
    if (type instanceof ArrayType a && a.elementType() instanceof NumericType) {
      return ImageKind.NUMBERS;
    }
    if (type instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(List.of("height", "width", "nChannels", "mode", "data"))) {
      return ImageKind.IMAGE_STRUCT;
    }
    throw new InvalidInputException(path, "column '" + column + "' is " + type.simpleString() + "; an image must be binary "
        + "(784 bytes), an array of 784 numbers 0..255, or Spark's image struct");
  }

  static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  /** One row (label, image) as a record, on the executors. */
  static final class ToRecord implements Function<Row, LabeledImage>, Serializable {
    private static final long serialVersionUID = 1L;
    private final ImageKind kind;

    ToRecord(ImageKind kind) {
      this.kind = kind;
    }

    @Override
    public LabeledImage call(Row row) {
      int label = ((Number) row.get(0)).intValue();
      return new LabeledImage(kind.pixels(row, 1), label);
    }
  }
}
