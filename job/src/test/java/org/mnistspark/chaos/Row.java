package org.mnistspark.chaos;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.stream.Stream;
import org.mnistspark.chaos.OutputChecks.Check;

/**
 * One line of the chaos table: a run, the fault it got, and the checks made once it (and the
 * recovery the README prescribes) ended. {@code resumed} is null when nothing was resumed.
 */
public record Row(int number, String fault, String run, String when, String injected, boolean hit, String exitCodes,
    Check output, Check production, Check resumed, Check leftovers, long seconds) {

  /** Whether every check passed. */
  public boolean survived() {
    return checks().allMatch(Check::ok);
  }

  /** Whether an output, production or a resumed model was lost or is not what it should be. */
  public boolean lostOrCorrupt() {
    return Stream.of(output, production, resumed).anyMatch(c -> c != null && !c.ok());
  }

  @JsonIgnore
  Stream<Check> checks() {
    return Stream.of(output, production, resumed, leftovers).filter(c -> c != null);
  }

  String markdown() {
    return "| " + (number == 0 ? "ref" : String.valueOf(number)) + " | " + fault + " | " + run + " | " + when + " | "
        + injected + " | " + exitCodes + " | " + cell(output) + " | " + cell(production) + " | " + cell(resumed) + " | "
        + cell(leftovers) + " | " + seconds + " | " + (survived() ? "yes" : "**NO**") + " |";
  }

  private static String cell(Check c) {
    return c == null ? "n/a" : c.ok() ? c.text() : "**" + c.text() + "**";
  }
}
