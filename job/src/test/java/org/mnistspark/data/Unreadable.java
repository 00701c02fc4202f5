package org.mnistspark.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Makes a file this process cannot read, whichever user runs the tests. */
public final class Unreadable {
  /**
   * A write-only sysctl: the kernel refuses to read it even to root, who reads through file modes
   * (test containers often run as root).
   */
  private static final Path WRITE_ONLY = Path.of("/proc/sys/vm/drop_caches");

  private Unreadable() {}

  /** Takes every permission from {@code file}, or for root, replaces it with a link to a file no one may read. */
  public static void make(Path file) throws IOException {
    Files.setPosixFilePermissions(file, Set.of());
    if (isReadable(file)) {
      assumeTrue(Files.exists(WRITE_ONLY), "running as root without " + WRITE_ONLY + " to deny a read");
      Files.delete(file);
      Files.createSymbolicLink(file, WRITE_ONLY);
    }
    assumeTrue(!isReadable(file), "no way found to make " + file + " unreadable");
  }

  private static boolean isReadable(Path file) {
    try (var in = Files.newInputStream(file)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
