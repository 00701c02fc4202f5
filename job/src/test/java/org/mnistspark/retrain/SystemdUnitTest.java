package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.RetrainConfig;
import org.mnistspark.config.Settings;

/**
 * submit/systemd/mnist-retrain.service stops a run only after the job's own --timeout could: a run
 * systemd kills writes no history line, one the job times out writes a "failed" one.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of(System.getProperty("project.root", "."), "submit", "systemd",
      "mnist-retrain.service");

  @Test
  void systemdsTimeoutIsAboveTheJobsOwn() throws Exception {
    List<String> lines = Files.readAllLines(UNIT);
    Duration systemd = duration(value(lines, "TimeoutStartSec"));
    List<String> exec = List.of(value(lines, "ExecStart").split("\\s+"));
    RetrainConfig defaults = Settings.load(null, Map.of()).retrain();
    long timeout = option(exec, "--timeout", defaults.timeout());
    long lockWait = option(exec, "--lock-wait", defaults.lockWait());
    long lease = option(exec, "--lock-lease", defaults.lockLease());
    assertThat(timeout).as("the job's --timeout, seconds; 0 would leave only systemd's").isPositive();
    // waiting for the lock, watching a stale one for a lease before taking it, then the run, then
    // a build and 30 minutes to spare
    Duration job = Duration.ofSeconds(lockWait + 2 * lease + timeout).plusMinutes(30);
    assertThat(systemd).as("TimeoutStartSec against the job's own limits").isGreaterThanOrEqualTo(job);
  }

  private static String value(List<String> lines, String key) {
    return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1).trim())
        .findFirst().orElseThrow(() -> new AssertionError(UNIT + " sets no " + key));
  }

  private static long option(List<String> args, String name, long otherwise) {
    int i = args.indexOf(name);
    return i < 0 ? otherwise : Long.parseLong(args.get(i + 1));
  }

  /** systemd's time spans as this unit writes them: 7h, 90min, 30s, or a sum such as 6h 30min. */
  private static Duration duration(String span) {
    Duration d = Duration.ZERO;
    for (String part : span.split("\\s+")) {
      var m = java.util.regex.Pattern.compile("(\\d+)(h|min|s)").matcher(part);
      assertThat(m.matches()).as("time span %s", span).isTrue();
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "min" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
    }
    return d;
  }
}
