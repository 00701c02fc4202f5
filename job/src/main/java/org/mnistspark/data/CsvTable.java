package org.mnistspark.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

/**
 * A folder of CSV files with a header line, as rows in the shape {@link ImageTable} reads: the
 * image either in one column of 784 numbers separated by spaces, or in 784 numeric columns (every
 * column but the label and id, in file order: Kaggle's {@code label,pixel0,...,pixel783}), then
 * gathered into an array. Column types are inferred, at the cost of one more pass over the files,
 * so that a label such as 3.5 or a pixel such as x fails the table's type and row checks.
 */
final class CsvTable {
  private CsvTable() {}

  static Dataset<Row> read(SparkSession spark, String path, String labelColumn, String imageColumn)
      throws InvalidInputException {
    Dataset<Row> rows = spark.read().option("header", true).option("inferSchema", true).csv(path);
    List<String> columns = Arrays.asList(rows.columns());
    if (columns.contains(imageColumn)) {
      // numbers inferred as such (one pixel per row) are left to the type check to refuse
      boolean text = rows.schema().apply(imageColumn).dataType() instanceof StringType;
      return text ? rows.withColumn(imageColumn, expr("transform(split(trim(" + ImageTable.quoted(imageColumn)
          + "), ' +'), x -> CAST(x AS DOUBLE))")) : rows;
    }
    List<Column> kept = new ArrayList<>();
    List<Column> pixels = new ArrayList<>();
    for (String c : columns) {
      if (c.equals(labelColumn) || c.equals(ImageTable.ID)) {
        kept.add(col(ImageTable.quoted(c)));
      } else {
        pixels.add(pixel(path, c, rows.schema().apply(c).dataType()));
      }
    }
    if (pixels.size() != LabeledImages.PIXELS) {
      throw new InvalidInputException(path, "no column '" + imageColumn + "' (--image-column) and " + pixels.size()
          + " columns besides the label and id; a CSV table holds its image in one column of " + LabeledImages.PIXELS
          + " numbers separated by spaces, or in " + LabeledImages.PIXELS + " numeric columns");
    }
    kept.add(array(pixels.toArray(Column[]::new)).as(imageColumn));
    return rows.select(kept.toArray(Column[]::new));
  }

  private static Column pixel(String path, String column, DataType type) throws InvalidInputException {
    if (!(type instanceof NumericType)) {
      throw new InvalidInputException(path, "column '" + column + "' is " + type.simpleString()
          + "; a pixel column must hold numbers 0..255");
    }
    return col(ImageTable.quoted(column)).cast("double");
  }
}
