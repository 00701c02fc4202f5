package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.UnitSpark;

/**
 * CSV tables of real MNIST images, in both layouts (784 pixel columns as Kaggle's files, or one
 * column of 784 numbers separated by spaces), read back as the same records in id order; a CSV
 * that breaks a rule is refused in one line naming it.
 */
class CsvTableTest {
  private static final int N = 200;
  private static JavaSparkContext sc;
  private static SparkSession spark;
  private static List<LabeledImage> images;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    sc = UnitSpark.start();
    spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    images = RealMnist.data().test().range(0, N);
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  @Test
  void pixelColumnsAndAPixelStringReadBackAsTheSameRecordsInIdOrder() throws Exception {
    String columns = csv("columns", header784(), i -> i + "," + images.get(i).label() + "," + pixels(images.get(i), ","));
    String text = csv("text", "id,label,image", i -> i + "," + images.get(i).label() + "," + pixels(images.get(i), " "));
    for (String path : List.of(columns, text)) {
      ImageTable table = ImageTable.open(spark, new Configuration(), path, "label", "image");
      assertThat(table.format()).isEqualTo("csv");
      assertThat(table.checkedCount()).isEqualTo(N);
      List<LabeledImage> read = table.records().collect();
      for (int i = 0; i < N; i++) {
        assertThat(read.get(i).label()).as("%s label %d", path, i).isEqualTo(images.get(i).label());
        assertThat(read.get(i).pixels()).as("%s pixels %d", path, i).isEqualTo(images.get(i).pixels());
      }
    }
  }

  @Test
  void badCsvTablesAreRefusedInOneLineNamingTheTable() throws Exception {
    LabeledImage im = images.get(0);
    assertRefused(csv("fraction", "id,label,image", i -> i + "," + (i == 3 ? "3.5" : "3") + "," + pixels(im, " ")),
        ": column 'label' is double; the label must be a whole number 0-9 (tinyint, smallint, int or bigint)");
    assertRefused(csv("short", "id,label,image", i -> i + ",3," + pixels(im, " ").substring(2)),
        ": " + N + " of " + N + " rows have an image ('image') that is not 784 numbers 0..255");
    assertRefused(csv("word", "id,label,image", i -> i + ",3," + (i == 7 ? "x " : "") + pixels(im, " ")),
        ": 1 of " + N + " rows have an image ('image') that is not 784 numbers 0..255");
    assertRefused(csv("letter", header784(), i -> i + ",3," + pixels(im, ",").replaceFirst("^0,", i == 9 ? "x," : "0,")),
        ": column 'pixel0' is string; a pixel column must hold numbers 0..255");
    assertRefused(csv("783", "id,label," + header784().substring("id,label,pixel0,".length()),
            i -> i + ",3," + pixels(im, ",").substring(2)),
        ": no column 'image' (--image-column) and 783 columns besides the label and id; a CSV table holds its image in "
            + "one column of 784 numbers separated by spaces, or in 784 numeric columns");
    assertRefused(csv("label10", "id,label,image", i -> i + "," + (i == 5 ? 10 : 3) + "," + pixels(im, " ")),
        ": 1 of " + N + " rows have a label ('label') that is not a whole number 0-9, e.g. 10");
  }

  private static void assertRefused(String path, String problem) {
    String line = null;
    try {
      ImageTable.open(spark, new Configuration(), path, "label", "image").checkedCount();
    } catch (Exception e) {
      assertThat(e).isInstanceOf(InvalidInputException.class);
      line = e.getMessage();
    }
    assertThat(line).isEqualTo(path + problem);
  }

  private static String header784() {
    StringBuilder b = new StringBuilder("id,label");
    for (int p = 0; p < LabeledImages.PIXELS; p++) {
      b.append(",pixel").append(p);
    }
    return b.toString();
  }

  private static String pixels(LabeledImage image, String separator) {
    StringBuilder b = new StringBuilder();
    for (byte p : image.pixels()) {
      b.append(b.length() == 0 ? "" : separator).append(p & 0xff);
    }
    return b.toString();
  }

  /** A folder of two CSV files (rows in reverse order, so that the id column decides), each with the header. */
  private static String csv(String name, String header, Function<Integer, String> line) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    List<String> first = new ArrayList<>(List.of(header));
    List<String> second = new ArrayList<>(List.of(header));
    for (int i = N - 1; i >= 0; i--) {
      (i >= N / 2 ? first : second).add(line.apply(i));
    }
    Files.write(dir.resolve("part-0.csv"), first);
    Files.write(dir.resolve("part-1.csv"), second);
    return dir.toString();
  }
}
