package org.mnistspark.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.mnistspark.Messages;

/**
 * Reads the four MNIST IDX files from a folder on any Hadoop file system (file://, hdfs://,
 * s3a://), each raw or gzipped, and checks them before anything else runs. Each file is streamed
 * and read no further than its header declares, into arrays allocated only for data that exist (a
 * raw file's length is checked first, a gzipped file's array grows as its data arrive) and only
 * when the heap that is free can take them, so neither a gzip bomb, nor a tiny file declaring
 * millions of images, nor a file larger than the driver's memory ends in an OutOfMemoryError.
 */
public final class MnistLoader {
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  private final Configuration hadoop;
  private final IdxReader.Heap heap;

  /** A loader whose arrays are checked against this JVM's free heap before each is allocated. */
  public MnistLoader(Configuration hadoop) {
    this(hadoop, IdxReader.Heap.JVM);
  }

  /**
   * @param heap asked before each array of data is allocated: data larger than the heap that is
   *     free can never be held, and refusing it replaces an OutOfMemoryError mid-read
   */
  MnistLoader(Configuration hadoop, IdxReader.Heap heap) {
    this.hadoop = hadoop;
    this.heap = heap;
  }

  /**
   * Returns the training and test sets in {@code folder}.
   *
   * @throws InvalidInputException if the folder's file system is unknown, the folder or a file is
   *     missing or unreadable, a file is not valid IDX MNIST or holds more data than the free heap
   *     takes, or a label file's count differs from its image file's
   * @throws IOException if the file system fails
   */
  public MnistData load(String folder) throws IOException {
    Folder dir = folder(folder);
    Reading reading = new Reading();
    LabeledImages train = reading.pair(dir, TRAIN_IMAGES, TRAIN_LABELS);
    LabeledImages test = reading.pair(dir, TEST_IMAGES, TEST_LABELS);
    return new MnistData(train, test, List.copyOf(reading.files));
  }

  /** A labelled set from one IDX pair, and the two files as read (images first). */
  public record LabeledSet(LabeledImages images, List<MnistData.InputFile> files) {}

  /** The images of one IDX file, image after image, and the file as read. */
  public record ImageFile(byte[] pixels, MnistData.InputFile file) {
    public int count() {
      return pixels.length / LabeledImages.PIXELS;
    }
  }

  /**
   * The test set in {@code folder} (t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or .gz);
   * the training files need not be there. Checked as {@link #load} checks it.
   */
  public LabeledSet loadTest(String folder) throws IOException {
    Reading reading = new Reading();
    return new LabeledSet(reading.pair(folder(folder), TEST_IMAGES, TEST_LABELS), List.copyOf(reading.files));
  }

  /** The labelled set in two IDX files named by path, each raw or gzipped, checked as {@link #load} checks them. */
  public LabeledSet loadPair(String imagesFile, String labelsFile) throws IOException {
    Reading reading = new Reading();
    Read images = reading.read(file(imagesFile), true);
    Read labels = reading.read(file(labelsFile), false);
    return new LabeledSet(Reading.matched(images, labels), List.copyOf(reading.files));
  }

  /** The images of one IDX image file named by path, raw or gzipped, checked as {@link #load} checks it. */
  public ImageFile loadImages(String imagesFile) throws IOException {
    Reading reading = new Reading();
    Read images = reading.read(file(imagesFile), true);
    return new ImageFile(images.data, reading.files.get(0));
  }

  /** A data folder, checked to exist. */
  private record Folder(FileSystem fs, Path dir) {
    /** The raw file if present, else its .gz. */
    Source locate(String name) throws IOException {
      return new Source(fs, MnistLoader.locate(fs, dir, name));
    }
  }

  /** One file to read. */
  private record Source(FileSystem fs, Path file) {}

  private Folder folder(String folder) throws IOException {
    FileSystems.Input dir = FileSystems.input(folder, hadoop);
    checkFolder(dir.fs(), dir.path(), folder);
    return new Folder(dir.fs(), dir.path());
  }

  private Source file(String location) throws IOException {
    FileSystems.Input in = FileSystems.input(location, hadoop);
    FileSystem fs = in.fs();
    Path p = in.path();
    boolean isFile;
    try {
      isFile = fs.getFileStatus(p).isFile();
    } catch (FileNotFoundException e) {
      throw new InvalidInputException(fs.makeQualified(p).toString(), "missing");
    } catch (IOException e) {
      throw new InvalidInputException(location, "cannot be read: " + e.getMessage());
    }
    if (!isFile) {
      throw new InvalidInputException(fs.makeQualified(p).toString(), "is a folder, expected an IDX file");
    }
    return new Source(fs, p);
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

  private record Read(String path, byte[] data) {}

  /** One load: what was read. */
  private final class Reading {
    private final List<MnistData.InputFile> files = new ArrayList<>();

    LabeledImages pair(Folder dir, String imagesName, String labelsName) throws IOException {
      Read images = read(dir.locate(imagesName), true);
      Read labels = read(dir.locate(labelsName), false);
      return matched(images, labels);
    }

    static LabeledImages matched(Read images, Read labels) throws InvalidInputException {
      if ((long) labels.data.length * LabeledImages.PIXELS != images.data.length) {
        throw new InvalidInputException(labels.path, "holds " + labels.data.length + " labels but "
            + images.path + " holds " + images.data.length / LabeledImages.PIXELS + " images");
      }
      return new LabeledImages(images.data, labels.data);
    }

    Read read(Source source, boolean images) throws IOException {
      FileSystem fs = source.fs();
      Path file = source.file();
      String path = fs.makeQualified(file).toString();
      long length = fs.getFileStatus(file).getLen();
      MessageDigest sha = DigestUtils.getSha256Digest();
      try (InputStream stored = new BufferedInputStream(new DigestInputStream(open(fs, file, path), sha))) {
        byte[] data = isGzip(stored) ? gunzip(path, stored, images) : idx(path, stored, length, images);
        files.add(new MnistData.InputFile(path, length, Hex.encodeHexString(sha.digest())));
        return new Read(path, data);
      }
    }

    private InputStream open(FileSystem fs, Path file, String path) throws IOException {
      try {
        return fs.open(file);
      } catch (FileNotFoundException | AccessControlException e) {
        // the local file system reports a denied read as "PATH (Permission denied)", HDFS as an AccessControlException
        String why = Messages.firstLine(e);
        String local = Path.getPathWithoutSchemeAndAuthority(file).toString();
        if (why.startsWith(local + " (")) {
          why = why.substring(local.length() + 2, why.length() - 1);
        }
        throw new InvalidInputException(path, "cannot be read: " + why);
      }
    }

    /** The data of a gzipped file, decompressed no further than its header declares. */
    private byte[] gunzip(String path, InputStream stored, boolean images) throws IOException {
      try (InputStream in = new GZIPInputStream(stored)) {
        byte[] data = idx(path, in, -1, images);
        // bytes after the gzip stream still belong to the stored file's digest
        stored.transferTo(OutputStream.nullOutputStream());
        return data;
      } catch (ZipException | EOFException e) {
        throw new InvalidInputException(path, "is not a valid gzip file (" + e.getMessage() + ")");
      }
    }

    /** @param storedLength the file's length for an uncompressed file, -1 for a decompressed stream */
    private byte[] idx(String path, InputStream in, long storedLength, boolean images) throws IOException {
      IdxReader.Header header = images ? IdxReader.imagesHeader(path, in) : IdxReader.labelsHeader(path, in);
      return images ? IdxReader.images(header, in, storedLength, heap) : IdxReader.labels(header, in, storedLength, heap);
    }
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
  private static boolean isGzip(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }
}
