package org.mnistspark.use;

import java.io.Serializable;

/**
 * What one partition of predict sends back to the driver: its part file's text, or the first file
 * in it that could not be scored. A plain class for Spark's Kryo, as {@link ImageToScore}.
 */
final class PartitionOutput implements Serializable {
  private static final long serialVersionUID = 1L;
  final int partition;
  final int images;
  /** The part file, UTF-8; null when refused. */
  final byte[] text;
  final String refusedFile;
  final String problem;

  private PartitionOutput(int partition, int images, byte[] text, String refusedFile, String problem) {
    this.partition = partition;
    this.images = images;
    this.text = text;
    this.refusedFile = refusedFile;
    this.problem = problem;
  }

  static PartitionOutput scored(int partition, int images, byte[] text) {
    return new PartitionOutput(partition, images, text, null, null);
  }

  static PartitionOutput refused(int partition, ImageToScore image) {
    return new PartitionOutput(partition, 0, null, image.source, image.problem);
  }
}
