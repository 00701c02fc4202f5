package org.mnistspark.lock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What this process can see of the other processes of its pid namespace. A pid it cannot see is
 * a process that ended only where it sees every process: /proc mounted with {@code hidepid}
 * (1, 2, {@code noaccess}, {@code invisible}, {@code ptraceable}) hides other users' processes, and
 * Java then finds no process at a pid that runs one. {@link #SYSTEM} is the real view; tests
 * substitute their own.
 */
public interface ProcessView {
  /** Whether a running process with {@code pid} is visible. */
  boolean visible(long pid);

  /** When the process with {@code pid} started, ISO-8601, if it is visible and the system says. */
  Optional<String> start(long pid);

  /** Whether every process of the namespace is visible, so that an invisible pid runs none. */
  boolean seesEveryProcess();

  ProcessView SYSTEM = new ProcessView() {
    /** Read once: the mount options of /proc do not change under a running job. */
    private final boolean seesAll = readSeesEveryProcess();

    @Override
    public boolean visible(long pid) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public Optional<String> start(long pid) {
      return ProcessHandle.of(pid).flatMap(ProcessIdentity::startOf);
    }

    @Override
    public boolean seesEveryProcess() {
      return seesAll;
    }
  };

  private static boolean readSeesEveryProcess() {
    try {
      return seesEveryProcess(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException | RuntimeException e) {
      return false; // no /proc to ask: nothing is known to be gone
    }
  }

  /**
   * Whether the /proc that {@code mountinfo} (the lines of /proc/self/mountinfo) mounts shows every
   * process: it is a proc file system, and without a {@code hidepid} other than 0 or {@code off}.
   * The last mount at /proc is the one in use.
   */
  static boolean seesEveryProcess(List<String> mountinfo) {
    String options = null;
    for (String line : mountinfo) {
      String[] fields = line.split(" ");
      int dash = List.of(fields).indexOf("-");
      // id parent major:minor root mount-point options [optional...] - type source super-options
      if (fields.length > 4 && fields[4].equals("/proc") && dash > 0 && fields.length > dash + 3) {
        options = fields[dash + 1].equals("proc") ? fields[dash + 3] : null;
      }
    }
    if (options == null) {
      return false;
    }
    for (String option : options.split(",")) {
      if (option.startsWith("hidepid=") && !List.of("hidepid=0", "hidepid=off").contains(option)) {
        return false;
      }
    }
    return true;
  }
}
