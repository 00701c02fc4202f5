package org.mnistspark.use;

import java.io.Serializable;

/**
 * One image on its way to be scored: where it came from and its 784 raw pixels, or, for a file the
 * executor could not use, what is wrong with it. Bad files travel as data rather than exceptions,
 * so the driver can refuse the input with one line naming the file (a task's exception would reach
 * it wrapped in Spark's retries and stack traces). A plain class, not a record: Spark's Kryo cannot
 * set a record's fields.
 */
final class ImageToScore implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The IDX file, or the PNG file itself. */
  final String source;
  /** Position in the IDX file, from 0; -1 for a PNG. */
  final long index;
  /** The PNG's file name; null for an IDX image. */
  final String file;
  /** Row-major 28x28 pixels, 0..255 as unsigned bytes; null when {@code problem} is set. */
  final byte[] pixels;
  final String problem;

  private ImageToScore(String source, long index, String file, byte[] pixels, String problem) {
    this.source = source;
    this.index = index;
    this.file = file;
    this.pixels = pixels;
    this.problem = problem;
  }

  static ImageToScore idx(String source, long index, byte[] pixels) {
    return new ImageToScore(source, index, null, pixels, null);
  }

  static ImageToScore png(String path, String name, byte[] pixels) {
    return new ImageToScore(path, -1, name, pixels, null);
  }

  static ImageToScore refused(String path, String name, String problem) {
    return new ImageToScore(path, -1, name, null, problem);
  }
}
