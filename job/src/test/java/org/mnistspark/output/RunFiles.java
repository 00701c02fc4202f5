package org.mnistspark.output;

import java.util.ArrayList;
import java.util.List;
import org.mnistspark.report.RunReport;

/** The files a train run's folder holds, for tests that check there is nothing more and nothing less. */
public final class RunFiles {
  private RunFiles() {}

  public static List<String> all() {
    List<String> all = new ArrayList<>(List.of(ModelStore.MODEL, ModelStore.METRICS, ModelStore.EVALUATION,
        OutputFolder.MANIFEST));
    all.addAll(RunReport.FILES);
    return all;
  }

  /** As {@link #all}, in the order a listing sorted by name gives them. */
  public static List<String> sorted() {
    return all().stream().sorted().toList();
  }
}
