package org.mnistspark.lock;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The names of the hidden temporary files and folders this job writes beside or inside what it
 * writes: {@code .NAME.KIND-TOKEN-N}, where TOKEN names the writing process ({@link #tokenOf}: its
 * {@link ProcessIdentity}, which its locks record). A leftover is deleted only by the process that
 * wrote it or by one that took over that process's lock, so proved it stopped; a name that merely
 * looks like one ({@code .notes.old-1}) is never taken for one.
 */
public final class Temporaries {
  private static final Pattern NAME = Pattern.compile("\\..+\\.(tmp|old|probe|new)-([0-9a-f]{16})-[0-9a-f]{8}");
  /** As versions before the token named them: a random UUID. Left alone, never deleted. */
  private static final Pattern EARLIER = Pattern.compile(
      "\\..+\\.(tmp|old|probe|new)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** This process's token. */
  public static final String SELF = tokenOf(ProcessIdentity.SELF);
  private static final AtomicLong COUNT = new AtomicLong();

  private Temporaries() {}

  /** A name for a temporary of kind {@code kind} (tmp, old, probe, new) for {@code target}, unique to this process. */
  public static String name(String target, String kind) {
    return "." + target + "." + kind + "-" + SELF + "-" + String.format("%08x", COUNT.incrementAndGet());
  }

  /** The token in the names of {@code process}'s temporaries. */
  public static String tokenOf(ProcessIdentity process) {
    String id = process.host() + "|" + process.bootId() + "|" + process.pidNamespace() + "|" + process.pid() + "|"
        + process.start();
    return DigestUtils.sha256Hex(id).substring(0, 16);
  }

  /** Whether {@code name} is a temporary of this job, of any process or version; a folder's content check skips them. */
  public static boolean isTemporary(String name) {
    return NAME.matcher(name).matches() || EARLIER.matcher(name).matches();
  }

  /** Whether {@code name} is a temporary written by one of the processes whose tokens are {@code writers}. */
  public static boolean writtenBy(String name, Set<String> writers) {
    Matcher m = NAME.matcher(name);
    return m.matches() && writers.contains(m.group(2));
  }

  /** The writers whose leftovers a process may delete: itself, and {@code stopped}, whose lock it took over. */
  public static Set<String> deletableBy(Optional<ProcessIdentity> stopped) {
    Set<String> writers = new HashSet<>(Set.of(SELF));
    stopped.map(Temporaries::tokenOf).ifPresent(writers::add);
    return writers;
  }
}
