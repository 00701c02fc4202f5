package org.mnistspark.use;

import java.io.Serializable;

/**
 * A piece of what one partition of predict produces: a slice of its part file's text (the header,
 * or the records of one minibatch), or the first file in it that could not be scored; and, summed
 * up per partition, how many images it scored. A plain class for Spark's Kryo, as
 * {@link ImageToScore}.
 */
final class PartitionOutput implements Serializable {
  private static final long serialVersionUID = 1L;
  final int partition;
  /** Images whose records {@code text} holds, or, in a summary, the partition's. */
  final int images;
  /** A slice of the part file, UTF-8; null when refused and in a summary. */
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

  /** {@code text}, the records of {@code images} images (0 for the header). */
  static PartitionOutput scored(int partition, int images, byte[] text) {
    return new PartitionOutput(partition, images, text, null, null);
  }

  static PartitionOutput refused(int partition, ImageToScore image) {
    return new PartitionOutput(partition, 0, null, image.source, image.problem);
  }

  /** A partition's outcome without its text: the images it scored, or its refusal. */
  static PartitionOutput summary(int partition, int images, PartitionOutput refusal) {
    return refusal == null ? new PartitionOutput(partition, images, null, null, null)
        : new PartitionOutput(partition, 0, null, refusal.refusedFile, refusal.problem);
  }
}
