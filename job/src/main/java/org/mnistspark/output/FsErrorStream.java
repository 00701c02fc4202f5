package org.mnistspark.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSError;

/**
 * A Hadoop file system's output stream whose failed writes are IOExceptions. Hadoop's local file
 * system reports a write that fails (a full disk) as FSError, an Error, which neither the clean-up
 * of a half-written output or checkpoint nor a caller's recovery catches: a full disk under a
 * checkpoint ended the run with a stack trace instead of a warning, and left its temporary folder.
 */
final class FsErrorStream extends FilterOutputStream {
  FsErrorStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    unwrapped(() -> out.write(b));
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    unwrapped(() -> out.write(b, off, len));
  }

  @Override
  public void flush() throws IOException {
    unwrapped(out::flush);
  }

  @Override
  public void close() throws IOException {
    unwrapped(out::close);
  }

  private interface Io {
    void run() throws IOException;
  }

  private static void unwrapped(Io io) throws IOException {
    try {
      io.run();
    } catch (FSError e) {
      throw cause(e);
    }
  }

  private static IOException cause(FSError e) {
    return e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
  }
}
