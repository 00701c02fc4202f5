package org.mnistspark.output;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system with renames that fail on request, for testing what a failed swap of an
 * output folder leaves: renames whose source name contains {@link #failFrom} fail, as a file
 * system would under a quota, a lost NameNode or a permission change between two renames.
 */
public final class RenameFailingLocalFileSystem extends LocalFileSystem {
  /** Renames of a source whose name contains one of these fail; empty strings match nothing. */
  static volatile String failFrom = "";
  static volatile String alsoFailFrom = "";

  public RenameFailingLocalFileSystem() {
    super(new Raw());
  }

  /** A Hadoop configuration whose file: scheme is this file system, not shared with other tests. */
  static Configuration configuration() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", RenameFailingLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  static void reset() {
    failFrom = "";
    alsoFailFrom = "";
  }

  static final class Raw extends RawLocalFileSystem {
    @Override
    public boolean rename(Path src, Path dst) throws IOException {
      String name = src.getName();
      if (matches(name, failFrom) || matches(name, alsoFailFrom)) {
        throw new IOException("injected failure renaming " + name);
      }
      return super.rename(src, dst);
    }

    private static boolean matches(String name, String part) {
      return !part.isEmpty() && name.contains(part);
    }
  }
}
