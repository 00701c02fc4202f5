package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormatTest {
  @Test
  void listsReadAsProse() {
    assertThat(Format.list(List.of())).isEmpty();
    assertThat(Format.list(List.of("none"))).isEqualTo("none");
    assertThat(Format.list(List.of("none", "minmax"))).isEqualTo("none and minmax");
    assertThat(Format.list(List.of("none", "minmax", "standardize"))).isEqualTo("none, minmax and standardize");
  }
}
