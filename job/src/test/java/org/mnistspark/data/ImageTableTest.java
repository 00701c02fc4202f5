package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.UnitSpark;

/**
 * Tables written by Spark from real MNIST images in each layout the job accepts read back as the
 * same records, in order; a table that breaks a rule is refused in one line naming it.
 */
class ImageTableTest {
  private static final int N = 300;
  private static JavaSparkContext sc;
  private static SparkSession spark;
  private static List<LabeledImage> images;
  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    sc = UnitSpark.start();
    spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    images = RealMnist.data().train().range(0, N);
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  @Test
  void bytesNumbersAndImageStructsReadBackAsTheSameRecordsInIdOrder() throws Exception {
    for (String layout : List.of("bytes", "numbers", "struct")) {
      List<Row> rows = new ArrayList<>();
      // written in reverse: the id column, not the file order, decides the order read back
      for (int i = N - 1; i >= 0; i--) {
        LabeledImage im = images.get(i);
        rows.add(RowFactory.create((long) i, (short) im.label(), image(layout, im.pixels())));
      }
      String path = write(layout, rows, new StructType().add("id", DataTypes.LongType).add("digit", DataTypes.ShortType)
          .add("pixels", imageType(layout)), "parquet");
      ImageTable table = ImageTable.open(spark, new Configuration(), path, "digit", "pixels");
      assertThat(table.checkedCount()).isEqualTo(N);
      List<LabeledImage> read = table.records().collect();
      for (int i = 0; i < N; i++) {
        assertThat(read.get(i).label()).as(layout + " label %d", i).isEqualTo(images.get(i).label());
        assertThat(read.get(i).pixels()).as(layout + " pixels %d", i).isEqualTo(images.get(i).pixels());
      }
    }
  }

  @Test
  void orcIsReadAsParquetIs() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      rows.add(RowFactory.create((long) i, images.get(i).label(), images.get(i).pixels()));
    }
    String path = write("orc", rows, canonical(), "orc");
    ImageTable table = ImageTable.open(spark, new Configuration(), path, "label", "image");
    assertThat(table.format()).isEqualTo("orc");
    assertThat(table.records().collect().get(7).pixels()).isEqualTo(images.get(7).pixels());
    assertThat(table.files(new Configuration())).isNotEmpty().allSatisfy(f -> assertThat(f.sha256()).hasSize(64));
  }

  @Test
  void badTablesAreRefusedInOneLineNamingTheTable() throws Exception {
    byte[] ok = images.get(0).pixels();
    assertRefused(write("label12", List.of(row(0, 3, ok), row(1, 12, ok)), canonical(), "parquet"), "label", "image",
        ": 1 of 2 rows have a label ('label') that is not a whole number 0-9, e.g. 12");
    assertRefused(write("short", List.of(row(0, 3, new byte[783])), canonical(), "parquet"), "label", "image",
        ": 1 of 1 rows have an image ('image') that is not 784 bytes");
    List<Double> nan = new ArrayList<>(java.util.Collections.nCopies(784, 0.0));
    nan.set(5, Double.NaN);
    assertRefused(write("nan", List.of(RowFactory.create(0L, 1, nan)), new StructType().add("id", DataTypes.LongType)
            .add("label", DataTypes.IntegerType).add("image", DataTypes.createArrayType(DataTypes.DoubleType)), "parquet"),
        "label", "image", ": 1 of 1 rows have an image ('image') that is not 784 numbers 0..255");
    assertRefused(write("empty", List.of(), canonical(), "parquet"), "label", "image", ": the table has no rows");
    String good = write("good", List.of(row(0, 3, ok)), canonical(), "parquet");
    assertRefused(good, "digit", "image", ": no column 'digit' (--label-column); the table has id, label, image");
    assertRefused(write("stringlabel", List.of(RowFactory.create(0L, "3", ok)), new StructType().add("id", DataTypes.LongType)
            .add("label", DataTypes.StringType).add("image", DataTypes.BinaryType), "parquet"), "label", "image",
        ": column 'label' is string; the label must be a whole number 0-9 (tinyint, smallint, int or bigint)");
    Path none = Files.createDirectories(tmp.resolve("none"));
    Files.writeString(none.resolve("notes.txt"), "x");
    assertRefused(none.toString(), "label", "image", ": no Parquet, ORC or CSV files in this folder");
  }

  private static void assertRefused(String path, String label, String image, String problem) {
    String line = null;
    try {
      ImageTable.open(spark, new Configuration(), path, label, image).checkedCount();
    } catch (Exception e) {
      assertThat(e).isInstanceOf(InvalidInputException.class);
      line = e.getMessage();
    }
    assertThat(line).isEqualTo(path + problem);
  }

  private static Row row(long id, int label, byte[] pixels) {
    return RowFactory.create(id, label, pixels);
  }

  private static StructType canonical() {
    return new StructType().add("id", DataTypes.LongType).add("label", DataTypes.IntegerType).add("image", DataTypes.BinaryType);
  }

  private static String write(String name, List<Row> rows, StructType schema, String format) {
    String path = tmp.resolve(name).toString();
    spark.createDataFrame(rows, schema).coalesce(2).write().format(format).save(path);
    return path;
  }

  private static DataType imageType(String layout) {
    return switch (layout) {
      case "bytes" -> DataTypes.BinaryType;
      case "numbers" -> DataTypes.createArrayType(DataTypes.IntegerType);
      default -> new StructType().add("origin", DataTypes.StringType).add("height", DataTypes.IntegerType)
          .add("width", DataTypes.IntegerType).add("nChannels", DataTypes.IntegerType).add("mode", DataTypes.IntegerType)
          .add("data", DataTypes.BinaryType);
    };
  }

  private static Object image(String layout, byte[] pixels) {
    return switch (layout) {
      case "bytes" -> pixels;
      case "numbers" -> {
        List<Integer> values = new ArrayList<>();
        for (byte b : pixels) {
          values.add(b & 0xff);
        }
        yield values;
      }
      default -> RowFactory.create("file:/x.png", 28, 28, 1, 0, pixels);
    };
  }
}
