package org.mnistspark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory of this JVM (Linux VmHWM), which counts ND4J's off-heap buffers that the
 * Java heap statistics miss. Resettable, so each benchmark configuration gets its own peak.
 */
final class PeakMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private PeakMemory() {}

  /** Starts a new peak at the current resident size (writing 5 to clear_refs resets VmHWM). */
  static void reset() {
    try {
      Files.writeString(CLEAR_REFS, "5");
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux, or not allowed: the peak then covers the whole process, which the report says
    }
  }

  /** Peak resident set size in MiB since the last reset, or -1 where /proc is unavailable. */
  static long peakMiB() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return -1;
  }
}
