package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class LogAxisTest {
  @Test
  void endsOnOneTwoOrFiveTimesAPowerOfTen() {
    double[][] cases = {{0.0498, 0.02, 0.05}, {0.148, 0.1, 0.2}, {0.05, 0.05, 0.05}, {1.7, 1, 2}, {0.31, 0.2, 0.5},
        {0.0009, 0.0005, 0.001}, {6, 5, 10}};
    for (double[] c : cases) {
      assertThat(LogAxis.niceBelow(c[0])).as("below %s", c[0]).isCloseTo(c[1], within(1e-12));
      assertThat(LogAxis.niceAbove(c[0])).as("above %s", c[0]).isCloseTo(c[2], within(1e-12));
    }
  }

  @Test
  void labelsEveryTickWithinADecadeAndOnlyDecadesBeyond() {
    XYChart oneRun = ChartStyle.xy(400, 300, "t", "x", "y");
    oneRun.addSeries("loss", List.of(1.0, 2.0), List.of(0.14, 0.73));
    LogAxis.fit(oneRun);
    assertThat(oneRun.getStyler().getYAxisMin()).isEqualTo(0.1);
    assertThat(oneRun.getStyler().getYAxisMax()).isEqualTo(1.0);
    assertThat(oneRun.getStyler().isYAxisLogarithmicDecadeOnly()).isFalse();

    XYChart manyDecades = ChartStyle.xy(400, 300, "t", "x", "y");
    manyDecades.addSeries("loss", List.of(1.0, 2.0, 3.0), List.of(Double.NaN, 0.0031, 2.2));
    LogAxis.fit(manyDecades);
    assertThat(manyDecades.getStyler().getYAxisMin()).isEqualTo(0.002);
    assertThat(manyDecades.getStyler().getYAxisMax()).isEqualTo(5.0);
    assertThat(manyDecades.getStyler().isYAxisLogarithmicDecadeOnly()).isTrue();
  }

  @Test
  void aRangeBeyondTenToTheFifthIsLabelledWithExponents() {
    XYChart wide = ChartStyle.xy(400, 300, "t", "x", "y");
    wide.addSeries("z", List.of(0.0, 1.0), List.of(0.048, 88_000.0));
    LogAxis.fit(wide);
    assertThat(wide.getStyler().getYAxisDecimalPattern()).isEqualTo("0E0");
    XYChart narrow = ChartStyle.xy(400, 300, "t", "x", "y");
    narrow.addSeries("z", List.of(0.0, 1.0), List.of(0.048, 12.0));
    LogAxis.fit(narrow);
    assertThat(narrow.getStyler().getYAxisDecimalPattern()).isEqualTo("0.######");
  }
}
