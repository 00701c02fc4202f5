package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.NetworkUtils;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.Decay;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;

class LearningRateScheduleTest {

  private static JobConfig config(Object... keyValues) {
    Map<String, Object> o = new java.util.LinkedHashMap<>(Map.of("learning-rate", 0.002, "epochs", 4));
    for (int i = 0; i < keyValues.length; i += 2) {
      o.put((String) keyValues[i], keyValues[i + 1]);
    }
    return JobConfig.load(null, o);
  }

  @Test
  void warmsUpLinearlyThenFollowsHalfACosineToTheFinalFractionAtTheLastPlannedStep() {
    // 4 epochs x 100 steps; warm-up 0.5 epoch = 50 steps; decay over steps 50..399
    LearningRateSchedule s = LearningRateSchedule.of(config("learning-rate-decay", "cosine", "warmup-epochs", 0.5,
        "final-learning-rate-fraction", 0.05), 100);
    assertThat(s.valueAt(0, 0)).isCloseTo(0.002 / 50, within(1e-12));
    assertThat(s.valueAt(24, 0)).isCloseTo(0.002 * 25 / 50, within(1e-12));
    assertThat(s.valueAt(49, 0)).isCloseTo(0.002, within(1e-12));
    assertThat(s.valueAt(50, 0)).isCloseTo(0.002, within(1e-12));
    assertThat(s.valueAt(224, 0)).as("halfway: half way between 1 and the final fraction").isBetween(0.002 * 0.52, 0.002 * 0.53);
    assertThat(s.valueAt(399, 0)).isCloseTo(0.002 * 0.05, within(1e-12));
    assertThat(s.valueAt(5_000, 7)).as("past the plan (more epochs than planned)").isCloseTo(0.002 * 0.05, within(1e-12));
    for (int i = 51; i < 400; i++) {
      assertThat(s.valueAt(i, 0)).as("falls at step %d", i).isLessThan(s.valueAt(i - 1, 0));
    }
  }

  @Test
  void exponentialDecayMultipliesEveryStepByTheSameFactor() {
    LearningRateSchedule s = LearningRateSchedule.of(config("learning-rate-decay", "exponential", "warmup-epochs", 0,
        "final-learning-rate-fraction", 1 / 16.0), 100);
    assertThat(s.valueAt(0, 0)).isCloseTo(0.002, within(1e-12));
    double factor = s.valueAt(1, 0) / s.valueAt(0, 0);
    for (int i = 1; i < 400; i++) {
      assertThat(s.valueAt(i, 0) / s.valueAt(i - 1, 0)).isCloseTo(factor, within(1e-12));
    }
    assertThat(s.valueAt(399, 0)).isCloseTo(0.002 / 16, within(1e-12));
  }

  @Test
  void constantIsTheLearningRateAfterTheWarmUp() {
    LearningRateSchedule s = LearningRateSchedule.of(config("learning-rate-decay", "constant", "warmup-epochs", 0.1), 100);
    assertThat(s.valueAt(9, 0)).isCloseTo(0.002, within(1e-12));
    assertThat(s.valueAt(399, 3)).isEqualTo(0.002);
    assertThat(Decay.CONSTANT.factor(0.7, 0.05)).isEqualTo(1);
  }

  @Test
  void theNetworkReadsTheScheduleByItsIterationCountAndKeepsItThroughJson() {
    JobConfig c = config("learning-rate-decay", "cosine", "warmup-epochs", 1, "final-learning-rate-fraction", 0.1);
    MultiLayerNetwork net = LeNet.network(c, 10);
    LearningRateSchedule expected = LearningRateSchedule.of(c, 10);
    assertThat(NetworkUtils.getLearningRate(net, 0)).isCloseTo(expected.valueAt(0, 0), within(1e-12));
    DataSet batch = new DataSet(Nd4j.rand(new int[] {4, 1, 28, 28}), Nd4j.eye(10).getRows(0, 1, 2, 3));
    for (int i = 0; i < 3; i++) {
      net.fit(batch);
    }
    assertThat(net.getIterationCount()).isEqualTo(3);
    assertThat(NetworkUtils.getLearningRate(net, 4)).isCloseTo(0.002 * 4 / 10, within(1e-12));

    // resident workers build their networks from this JSON, and model.zip stores it
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
    assertThat(((BaseLayer) back.getConf(0).getLayer()).getIUpdater().getLearningRate(25, 0))
        .isCloseTo(expected.valueAt(25, 0), within(1e-15));
    assertThat(back).isEqualTo(net.getLayerWiseConfigurations());
  }

  @Test
  void refusesAWarmUpAsLongAsTheRunAndAFinalFractionOutsideZeroToOne() {
    assertThatThrownBy(() -> config("warmup-epochs", 4)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("warmup-epochs").hasMessageContaining("less than epochs (4)");
    assertThatThrownBy(() -> config("final-learning-rate-fraction", 0)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("final-learning-rate-fraction");
    assertThatThrownBy(() -> config("final-learning-rate-fraction", 1.5)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("final-learning-rate-fraction");
    assertThatThrownBy(() -> config("learning-rate-decay", "linear")).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("learning-rate-decay");
  }
}
