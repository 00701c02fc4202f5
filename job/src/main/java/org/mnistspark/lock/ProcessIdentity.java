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

  /** Whether a process is running, as far as another can tell. */
  public enum Liveness {
    /** Visible, and started when it said: it runs. */
    ALIVE,
    /** Its pid runs no process, or one that started at another time (the pid was reused). */
    GONE,
    /** Cannot be told: another kernel or pid namespace, or a pid {@code /proc} may hide (hidepid). */
    UNKNOWN
  }

  /**
   * Whether this process runs, as seen from {@link #SELF} through {@code view}. Only a pid of our
   * kernel boot and pid namespace can be checked, and a pid that cannot be seen counts as gone only
   * where every process can be seen: a holder whose liveness cannot be told is not gone.
   */
  public Liveness liveness(ProcessView view) {
    if (!SELF.sharesPidsWith(this)) {
      return Liveness.UNKNOWN;
    }
    if (!view.visible(pid)) {
      return view.seesEveryProcess() ? Liveness.GONE : Liveness.UNKNOWN;
    }
    Optional<String> now = view.start(pid);
    return start != null && now.isPresent() && !now.get().equals(start) ? Liveness.GONE : Liveness.ALIVE;
  }

  public String describe() {
    return pid + " on " + host;
  }

  static Optional<String> startOf(ProcessHandle p) {
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
