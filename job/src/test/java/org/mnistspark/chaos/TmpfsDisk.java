package org.mnistspark.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small disk of its own (a tmpfs, mounted as root) that a fault fills up while a run writes to
 * it, and frees again as an operator would; also for the tests of what a full disk leaves.
 */
public final class TmpfsDisk implements AutoCloseable {
  private static final int MEGABYTE = 1 << 20;
  private final Path mountPoint;
  private final Path filler;

  private TmpfsDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler");
  }

  /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint} (created if missing). */
  public static TmpfsDisk mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString()));
    return new TmpfsDisk(mountPoint);
  }

  /** Whether this process may mount one (it runs as root). */
  public static boolean mountable() {
    return "root".equals(System.getProperty("user.name"));
  }

  public Path path() {
    return mountPoint;
  }

  /** Fills the disk until {@code leaveMegabytes} are free (all of it when 0: the write ends with "No space left"). */
  public void fill(int leaveMegabytes) throws IOException {
    byte[] chunk = new byte[MEGABYTE];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (Files.getFileStore(mountPoint).getUsableSpace() > (long) leaveMegabytes * MEGABYTE) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // the disk is full: what was asked for when nothing is to be left
    }
  }

  /** Deletes the filler. */
  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(List.of("umount", "-l", mountPoint.toString()));
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (the chaos run's disk faults need root): " + output.trim());
    }
  }
}
