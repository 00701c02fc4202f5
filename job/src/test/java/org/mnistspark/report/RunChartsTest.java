package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.train.ValidationPoint;

class RunChartsTest {
  @Test
  void theAccuracyPlotStartsAtTheFirstCheckAndEndsJustAboveTheBest() throws Exception {
    RunMetrics m;
    try (InputStream in = RunChartsTest.class.getResourceAsStream("/run-report/metrics.json")) {
      m = ModelStore.JSON.readValue(in, RunMetrics.class);
    }
    XYChart chart = RunCharts.validationAccuracyChart(m);
    double first = m.validationCurve().get(0).epoch();
    double best = m.validationCurve().stream().mapToDouble(ValidationPoint::accuracy).max().orElseThrow();
    double worst = m.validationCurve().stream().mapToDouble(ValidationPoint::accuracy).min().orElseThrow();
    assertThat(chart.getStyler().getXAxisMin()).isGreaterThan(first - 0.1).isLessThanOrEqualTo(first);
    assertThat(chart.getStyler().getYAxisMax()).isGreaterThanOrEqualTo(best).isLessThanOrEqualTo(Math.min(1, best + 0.02));
    assertThat(chart.getStyler().getYAxisMin()).isLessThanOrEqualTo(worst);
  }
}
