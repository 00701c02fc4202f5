package org.mnistspark.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mnistspark.output.ModelStore;

/** The chaos run's result: the table, the totals, and how it was run; as Markdown and JSON. */
public record ChaosReport(long seed, String command, String machine, String started, String finished,
    String loadAtStart, String loadAtEnd, List<Row> rows) {

  /** Faults that struck (not missed because the run ended first). */
  public long injected() {
    return faults().filter(Row::hit).count();
  }

  /** Kinds of fault that struck. */
  public int kinds() {
    return new TreeSet<>(faults().filter(Row::hit).map(Row::fault).toList()).size();
  }

  /** Runs after which every check passed. */
  public long survived() {
    return faults().filter(Row::hit).filter(Row::survived).count();
  }

  /** Runs after which an output, production or a resumed model was lost or not as it should be. */
  public long lostOrCorrupt() {
    return rows.stream().filter(Row::lostOrCorrupt).count();
  }

  /** Whether the run passed: nothing lost or corrupt, every fault survived. */
  public boolean passed() {
    return lostOrCorrupt() == 0 && rows.stream().allMatch(Row::survived);
  }

  private java.util.stream.Stream<Row> faults() {
    return rows.stream().filter(r -> r.number() > 0);
  }

  String totals() {
    return "faults injected: " + injected() + " of " + faults().count() + " (" + kinds() + " kinds), survived: "
        + survived() + ", outputs lost or corrupt: " + lostOrCorrupt();
  }

  String markdown() {
    List<String> lines = new ArrayList<>(List.of(
        "seed " + seed + "; `" + command + "`",
        "",
        machine + "; " + started + " to " + finished + "; load average " + loadAtStart + " at the start, " + loadAtEnd
            + " at the end",
        "",
        "| # | fault | run | when | injected | exit codes | --out (candidate) | production | resumed = uninterrupted "
            + "| left over | s | survived |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|"));
    rows.forEach(r -> lines.add(r.markdown()));
    lines.add("");
    lines.add(totals());
    return String.join("\n", lines) + "\n";
  }

  void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("chaos.md"), markdown());
    ModelStore.JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("chaos.json").toFile(),
        Map.of("report", this, "injected", injected(), "kinds", kinds(), "survived", survived(),
            "lostOrCorrupt", lostOrCorrupt(), "passed", passed()));
  }
}
