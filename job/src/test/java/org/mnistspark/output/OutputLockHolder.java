package org.mnistspark.output;

import java.time.Duration;
import org.apache.hadoop.conf.Configuration;

/**
 * Another run on an output location, in a JVM of its own: takes the lock of the folder named by
 * its first argument, prints {@link #HOLDING}, and keeps it until its standard input closes.
 */
public final class OutputLockHolder {
  static final String HOLDING = "holding the lock";

  private OutputLockHolder() {}

  public static void main(String[] args) throws Exception {
    OutputFolder out = OutputFolder.open("--out", args[0], "train", new Configuration());
    try (OutputLock lock = OutputLock.acquire(out, Duration.ZERO)) {
      System.out.println(HOLDING);
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the test closes our input
      }
    }
  }
}
