package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class ModelStateTest {

  private static MultiLayerNetwork lenet(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(LeNet.configuration(seed, 1e-3));
    net.init();
    return net;
  }

  private static DataSet randomBatch(long seed, int n) {
    Nd4j.getRandom().setSeed(seed);
    var labels = Nd4j.zeros(n, 10);
    for (int i = 0; i < n; i++) {
      labels.putScalar(i, i % 10, 1);
    }
    return new DataSet(Nd4j.rand(new int[] {n, 1, 28, 28}), labels);
  }

  @Test
  void copiesParametersAdamStateAndIterationIntoAnotherNetwork() {
    MultiLayerNetwork trained = lenet(1);
    trained.fit(randomBatch(7, 8));
    trained.fit(randomBatch(8, 8));
    ModelState state = ModelState.of(trained);
    assertThat(state.params()).hasSize((int) LeNet.PARAMETERS);
    assertThat(state.updater()).as("Adam: two moments per parameter").hasSize(2 * (int) LeNet.PARAMETERS);
    assertThat(state.iteration()).isEqualTo(2);

    MultiLayerNetwork other = lenet(2);
    state.applyTo(other);
    assertThat(other.params()).isEqualTo(trained.params());
    assertThat(other.getUpdater().getStateViewArray()).isEqualTo(trained.getUpdater().getStateViewArray());
    assertThat(other.getIterationCount()).isEqualTo(2);
    // and they go on identically: same next step from the same state
    DataSet next = randomBatch(9, 8);
    trained.fit(next);
    other.fit(next);
    assertThat(other.params()).isEqualTo(trained.params());
  }

  @Test
  void sumAveragesByMinibatchesFittedAndSkipsEmptyWorkers() {
    MultiLayerNetwork a = lenet(1);
    MultiLayerNetwork b = lenet(2);
    b.fit(randomBatch(3, 4));
    ModelState sa = ModelState.of(a);
    ModelState sb = ModelState.of(b);

    ModelState mean = ModelState.Sum.of(sa, 3).add(ModelState.Sum.of(null, 0)).add(ModelState.Sum.of(sb, 1)).average();
    for (int i = 0; i < sa.params().length; i += 997) {
      assertThat(mean.params()[i]).isCloseTo((3 * sa.params()[i] + sb.params()[i]) / 4, within(1e-6f));
    }
    for (int i = 0; i < sa.updater().length; i += 997) {
      assertThat(mean.updater()[i]).isCloseTo((3 * sa.updater()[i] + sb.updater()[i]) / 4, within(1e-9f));
    }
    assertThat(mean.iteration()).as("the furthest worker's step count").isEqualTo(1);
    assertThat(Arrays.equals(ModelState.Sum.of(null, 0).add(ModelState.Sum.of(sb, 2)).average().params(), sb.params()))
        .as("one worker alone: its own state").isTrue();
    assertThatThrownBy(() -> ModelState.Sum.of(sa, 0).average()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no worker fitted");
  }
}
