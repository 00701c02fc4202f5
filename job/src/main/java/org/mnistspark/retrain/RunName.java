package org.mnistspark.retrain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** Run folders are named by their UTC start time to the second, e.g. 20261125T093000Z, so names sort by time. */
public final class RunName {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern PATTERN = Pattern.compile("\\d{8}T\\d{6}Z");

  private RunName() {}

  /** Returns the run name for {@code time}, truncated to the second. */
  public static String of(Instant time) {
    return FORMAT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }

  /** Returns whether {@code name} is a run name (anything else in runs/ is left alone). */
  public static boolean isRunName(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }
}
