package org.mnistspark.config;

/**
 * The {@code mnist.table} block of the settings tree: which columns of a table hold what.
 *
 * @param labelColumn the label, a whole number 0-9
 * @param imageColumn the image: 784 bytes, an array of 784 numbers 0..255, or Spark's image struct
 */
public record TableConfig(String labelColumn, String imageColumn) {
  public TableConfig {
    labelColumn = Validators.nonEmpty("label-column", labelColumn);
    imageColumn = Validators.nonEmpty("image-column", imageColumn);
  }
}
