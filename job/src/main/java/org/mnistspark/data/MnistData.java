package org.mnistspark.data;

import java.util.List;

/**
 * The four IDX files of one dataset, parsed and checked.
 *
 * @param files what was read, for metrics.json: training images, training labels, test images, test labels
 */
public record MnistData(LabeledImages train, LabeledImages test, List<InputFile> files) {

  /**
   * One input file as stored.
   *
   * @param sha256 hex digest of the bytes as stored (compressed, for a .gz file)
   * @param bytes size as stored
   */
  public record InputFile(String path, long bytes, String sha256) {}
}
