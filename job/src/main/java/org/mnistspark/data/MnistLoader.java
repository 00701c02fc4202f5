package org.mnistspark.data;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the four MNIST IDX files from a folder on any Hadoop file system (file://, hdfs://,
 * s3a://), each raw or gzipped, and checks them before anything else runs.
 */
public final class MnistLoader {
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  private final Configuration hadoop;

  public MnistLoader(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /**
   * Returns the training and test sets in {@code folder}.
   *
   * @throws InvalidInputException if the folder or a file is missing, or a file is not valid IDX
   *     MNIST, or a label file's count differs from its image file's
   * @throws IOException if the file system fails
   */
  public MnistData load(String folder) throws IOException {
    Path dir = new Path(folder);
    FileSystem fs = dir.getFileSystem(hadoop);
    checkFolder(fs, dir, folder);
    List<MnistData.InputFile> files = new ArrayList<>();
    LabeledImages train = pair(fs, dir, TRAIN_IMAGES, TRAIN_LABELS, files);
    LabeledImages test = pair(fs, dir, TEST_IMAGES, TEST_LABELS, files);
    return new MnistData(train, test, List.copyOf(files));
  }

  private static void checkFolder(FileSystem fs, Path dir, String folder) throws InvalidInputException {
    boolean isFolder;
    try {
      isFolder = fs.getFileStatus(dir).isDirectory();
    } catch (FileNotFoundException e) {
      throw new InvalidInputException(folder, "no such data folder (run submit/fetch-mnist.sh, or pass --data)");
    } catch (IOException e) {
      throw new InvalidInputException(folder, "cannot be read: " + e.getMessage());
    }
    if (!isFolder) {
      throw new InvalidInputException(folder, "is not a folder (expected one holding the four MNIST IDX files)");
    }
  }

  private static LabeledImages pair(FileSystem fs, Path dir, String imagesName, String labelsName,
      List<MnistData.InputFile> files) throws IOException {
    Read images = read(fs, dir, imagesName, files);
    Read labels = read(fs, dir, labelsName, files);
    byte[] pixels = IdxReader.images(images.path, images.content);
    byte[] labelBytes = IdxReader.labels(labels.path, labels.content);
    if ((long) labelBytes.length * LabeledImages.PIXELS != pixels.length) {
      throw new InvalidInputException(labels.path, "holds " + labelBytes.length + " labels but "
          + images.path + " holds " + pixels.length / LabeledImages.PIXELS + " images");
    }
    return new LabeledImages(pixels, labelBytes);
  }

  private record Read(String path, byte[] content) {}

  private static Read read(FileSystem fs, Path dir, String name, List<MnistData.InputFile> files) throws IOException {
    Path file = locate(fs, dir, name);
    byte[] stored;
    try (InputStream in = fs.open(file)) {
      stored = in.readAllBytes();
    }
    String path = fs.makeQualified(file).toString();
    files.add(new MnistData.InputFile(path, stored.length, sha256(stored)));
    return new Read(path, isGzip(stored) ? gunzip(path, stored) : stored);
  }

  /** The raw file if present, else its .gz. */
  private static Path locate(FileSystem fs, Path dir, String name) throws IOException {
    for (String candidate : new String[] {name, name + ".gz"}) {
      Path p = new Path(dir, candidate);
      if (fs.isFile(p)) {
        return p;
      }
    }
    throw new InvalidInputException(new Path(dir, name).toString(), "missing (neither it nor " + name + ".gz exists)");
  }

  /** By content rather than name, so a mislabelled file still reads. */
  private static boolean isGzip(byte[] b) {
    return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
  }

  private static byte[] gunzip(String path, byte[] stored) throws InvalidInputException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new InvalidInputException(path, "is not a valid gzip file (" + e.getMessage() + ")");
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
