package org.mnistspark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final String R1 = "20261101T020000Z";
  private static final String R2 = "20261102T020000Z";
  private static final String R3 = "20261103T020000Z";
  private static final String R4 = "20261104T020000Z";

  private record Case(String name, List<String> runs, String production, String previous, int keep,
      List<String> deleted) {
    Case(String name, List<String> runs, String production, int keep, List<String> deleted) {
      this(name, runs, production, null, keep, deleted);
    }

    Set<String> kept() {
      Set<String> s = new HashSet<>();
      if (production != null) {
        s.add(production);
      }
      if (previous != null) {
        s.add(previous);
      }
      return s;
    }
  }

  private static final List<Case> CASES = List.of(
      new Case("fewer runs than K", List.of(R1, R2), R2, 3, List.of()),
      new Case("exactly K", List.of(R1, R2, R3), R3, 3, List.of()),
      new Case("oldest go first", List.of(R1, R2, R3, R4), R4, 2, List.of(R1, R2)),
      new Case("production older than the newest K is kept", List.of(R1, R2, R3, R4), R1, 2, List.of(R2)),
      new Case("K = 1 keeps the newest and production", List.of(R4, R2, R1, R3), R2, 1, List.of(R1, R3)),
      new Case("no production yet", List.of(R1, R2, R3), null, 1, List.of(R1, R2)),
      new Case("production is the newest", List.of(R1, R2, R3), R3, 1, List.of(R1, R2)),
      new Case("no runs", List.of(), null, 1, List.of()),
      new Case("K = 1 after a promotion keeps the demoted production", List.of(R1, R2, R3), R3, R2, 1, List.of(R1)),
      new Case("previous production older than K is kept", List.of(R1, R2, R3, R4), R4, R1, 2, List.of(R2)));

  @Test
  void table() {
    for (Case c : CASES) {
      assertThat(Retention.toDelete(c.runs(), c.kept(), c.keep()))
          .as(c.name()).containsExactlyElementsOf(c.deleted());
    }
  }

  private static HistoryEntry promoted(String run, String production) {
    return new HistoryEntry("2026-11-01T02:00:00Z", run, 0.99, production, null, History.PROMOTED, "test");
  }

  @Test
  void previousProductionComesFromHistory() {
    History.Lines history = new History.Lines(List.of(promoted(R1, null), promoted(R3, R1), promoted(R4, R3)), List.of());
    assertThat(Retention.toDelete(List.of(R1, R2, R3, R4), Optional.of(R4), history, 1)).containsExactly(R1, R2);
    assertThat(Retention.toDelete(List.of(R1, R2, R3, R4), Optional.empty(), history, 1)).containsExactly(R1, R2, R3);
  }

  @Test
  void anUnreadableHistoryLineDeletesNothing() {
    // R3's promotion is the line that cannot be read: "the previous production" would resolve to R1
    History.Lines history = new History.Lines(List.of(promoted(R1, null), promoted(R4, R3)), List.of(2));
    assertThat(Retention.kept(Optional.of(R4), history.entries())).containsExactlyInAnyOrder(R4, R1);
    assertThat(Retention.toDelete(List.of(R1, R2, R3, R4), Optional.of(R4), history, 1)).isEmpty();
    assertThat(Retention.toDelete(List.of(R1, R2, R3, R4), Optional.of(R4), history, 4)).isEmpty();
  }

  @Test
  void keepBelowOne() {
    assertThatThrownBy(() -> Retention.toDelete(List.of(R1), Set.of(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keep must be at least 1, got 0");
  }
}
