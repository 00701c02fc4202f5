package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundedDrawingTest {
  @Test
  void givesTheFilesDrawnInTime() {
    Map<String, byte[]> files = Map.of("a.png", new byte[] {1, 2});
    assertThat(BoundedDrawing.draw("test report", () -> files, 10)).isSameAs(files);
  }

  @Test
  void givesNoneWhenDrawingFails() {
    assertThat(BoundedDrawing.draw("test report", () -> {
      throw new java.awt.AWTError("no display");
    }, 10)).isEmpty();
  }

  @Test
  void givesNoneWhenDrawingHangs() {
    long start = System.nanoTime();
    assertThat(BoundedDrawing.draw("test report", () -> {
      // stands for XChart's endless tick search; a sleep, so that the cancelled thread ends and does not
      // hold a core for the rest of the test JVM
      Thread.sleep(Long.MAX_VALUE);
      return Map.of();
    }, 1)).isEmpty();
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
  }
}
