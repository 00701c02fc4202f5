package org.mnistspark.lock;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a process is, in terms another process can check: a pid means the same process only to a
 * process in the same pid namespace of the same running kernel. Host names are for people: two
 * containers on the host network share one, and the initial pid namespace has the same number on
 * every Linux machine, so the boot id (random per boot) is what tells kernels apart.
 *
 * @param host host name, for messages only
 * @param bootId /proc/sys/kernel/random/boot_id; null where there is none (not Linux)
 * @param pidNamespace the target of /proc/self/ns/pid, e.g. {@code pid:[4026531836]}; null where there is none
 * @param pid process id, as seen in that namespace
 * @param start when the process started, ISO-8601; null if the system does not say
 */
public record ProcessIdentity(String host, String bootId, String pidNamespace, long pid, String start) {
  /** This process. */
  public static final ProcessIdentity SELF = current();

  private static ProcessIdentity current() {
    ProcessHandle self = ProcessHandle.current();
    return new ProcessIdentity(hostName(), readProc(() -> Files.readString(Path.of("/proc/sys/kernel/random/boot_id"))),
        readProc(() -> Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString()), self.pid(),
        startOf(self).orElse(null));
  }

  /** Whether this process's pid can be checked from {@code other}: same kernel boot, same pid namespace. */
  boolean sharesPidsWith(ProcessIdentity other) {
    return bootId != null && pidNamespace != null && bootId.equals(other.bootId) && pidNamespace.equals(other.pidNamespace);
  }

  /**
   * Whether this process has ended, as seen from {@link #SELF}; only meaningful where
   * {@link #sharesPidsWith} holds. A pid now running a process that started at another time counts
   * as ended: the pid was reused.
   */
  boolean isGone() {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return true;
    }
    Optional<String> now = startOf(p.get());
    return start != null && now.isPresent() && !now.get().equals(start);
  }

  public String describe() {
    return pid + " on " + host;
  }

  private static Optional<String> startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString);
  }

  private interface ProcRead {
    String read() throws IOException;
  }

  private static String readProc(ProcRead r) {
    try {
      return r.read().trim();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "unknown-host";
    }
  }
}
