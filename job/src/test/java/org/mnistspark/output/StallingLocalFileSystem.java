package org.mnistspark.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system for a driver JVM that a test will kill mid-write (set with
 * {@code -Dspark.hadoop.fs.file.impl=} this class). Writing any {@code model.zip} (or the file
 * named by {@code -Dstall.name}, in a folder whose name contains {@code -Dstall.within}) stalls after
 * {@link #STALL_AFTER} bytes: the bytes so far reach the disk, the file named by
 * {@code -Dstall.marker} is created, and the writing thread sleeps until the JVM is killed.
 * Everything else behaves as the normal local file system.
 */
public final class StallingLocalFileSystem extends LocalFileSystem {
  public static final int STALL_AFTER = 64 * 1024;

  public StallingLocalFileSystem() {
    super(new Raw());
  }

  static final class Raw extends RawLocalFileSystem {
    // RawLocalFileSystem implements both overloads separately; FileUtil.copy uses the first
    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
        Progressable progress) throws IOException {
      return stallIfModel(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      return stallIfModel(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    private FSDataOutputStream stallIfModel(Path f, FSDataOutputStream out) throws IOException {
      String within = System.getProperty("stall.within", "");
      if (!f.getName().equals(System.getProperty("stall.name", ModelStore.MODEL))
          || !f.getParent().getName().contains(within)) {
        return out;
      }
      return new FSDataOutputStream(new Stalling(out), statistics);
    }
  }

  private static final class Stalling extends FilterOutputStream {
    private long written;

    Stalling(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int allowed = (int) Math.min(len, STALL_AFTER - written);
      out.write(b, off, allowed);
      written += allowed;
      if (written >= STALL_AFTER) {
        out.flush();
        Files.createFile(Paths.get(System.getProperty("stall.marker")));
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while stalling", e);
        }
      }
    }
  }
}
