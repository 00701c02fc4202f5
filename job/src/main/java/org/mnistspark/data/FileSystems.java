package org.mnistspark.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.mnistspark.Messages;

/**
 * Opens the file system of a path the user named, having first checked that an object store
 * answers at all. With S3A's default retries (fs.s3a.attempts.maximum 20 inside fs.s3a.retry.limit
 * 7) a request to an endpoint that refuses connections was still retrying after ten minutes; the
 * probe asks once, with retries off, so a bad --data or --out is refused in seconds. Only the
 * probe runs that way: the job's own reads and writes keep the user's fs.s3a.* settings.
 */
public final class FileSystems {
  /** Schemes of the object store connectors this job ships (see docs/deploying.md, S3). */
  private static final List<String> OBJECT_STORES = List.of("s3a");
  /** S3A's retry settings: the AWS SDK's own retries and S3A's retries around them. */
  private static final List<String> RETRIES = List.of("fs.s3a.attempts.maximum", "fs.s3a.retry.limit");

  private FileSystems() {}

  /**
   * Returns the file system of {@code p} (a relative or scheme-less path resolves against
   * fs.defaultFS). For an object store, one request for {@code p}'s status must first be
   * answered; a missing {@code p} is an answer, left to the caller to report in its own words.
   *
   * @throws org.apache.hadoop.fs.UnsupportedFileSystemException if no file system serves the scheme
   * @throws UnreachableStoreException if the object store did not answer, or refused the request
   * @throws IOException if the file system cannot be created
   */
  public static FileSystem open(Path p, Configuration hadoop) throws IOException {
    URI store = storeUri(p, hadoop);
    if (OBJECT_STORES.contains(store.getScheme())) {
      probe(p, store, hadoop);
    }
    return p.getFileSystem(hadoop);
  }

  /** A path the user named as input, and its file system. */
  public record Input(FileSystem fs, Path path) {}

  /**
   * Returns the path {@code location} and its file system, opened as {@link #open} does.
   *
   * @throws InvalidInputException naming {@code location} if it is not a path, no file system
   *     serves its scheme, its object store cannot be reached, or its file system cannot be created
   */
  public static Input input(String location, Configuration hadoop) throws InvalidInputException {
    Path p;
    try {
      p = new Path(location);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(location, "is not a valid path (" + e.getMessage() + ")");
    }
    try {
      return new Input(open(p, hadoop), p);
    } catch (UnsupportedFileSystemException e) {
      throw new InvalidInputException(location, "unknown file system scheme '" + p.toUri().getScheme()
          + "' (expected e.g. file://, hdfs:// or s3a://)");
    } catch (UnreachableStoreException e) {
      throw new InvalidInputException(location, "cannot be reached (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new InvalidInputException(location, "is not a usable path (" + Messages.firstLine(e) + ")");
    }
  }

  private static URI storeUri(Path p, Configuration hadoop) {
    URI uri = p.toUri();
    return uri.getScheme() == null ? FileSystem.getDefaultUri(hadoop) : uri;
  }

  private static void probe(Path p, URI store, Configuration hadoop) throws IOException {
    // newInstance, not get: the cached instance the job then uses must keep the user's retries
    try (FileSystem fs = FileSystem.newInstance(store, withoutRetries(hadoop, store.getHost()))) {
      try {
        fs.getFileStatus(p);
      } catch (FileNotFoundException e) {
        // the store answered
      } catch (IOException e) {
        // the file system's settings, with per-bucket ones applied, name the endpoint asked
        throw new UnreachableStoreException(S3aFailure.describe(e, fs.getConf()), e);
      }
    }
  }

  /** {@code hadoop} with S3A's retries off, also where a per-bucket setting would override them. */
  static Configuration withoutRetries(Configuration hadoop, String bucket) {
    Configuration conf = new Configuration(hadoop);
    for (String key : RETRIES) {
      conf.setInt(key, 0);
      if (bucket != null) {
        conf.setInt(key.replace("fs.s3a.", "fs.s3a.bucket." + bucket + "."), 0);
      }
    }
    return conf;
  }

  /** An object store did not answer, or refused the request; the message says why, in one line. */
  public static final class UnreachableStoreException extends IOException {
    UnreachableStoreException(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
