package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class LeNetTest {
  private static MultiLayerNetwork net;

  @BeforeAll
  static void build() {
    net = new MultiLayerNetwork(LeNet.configuration(42, 1e-3));
    net.init();
  }

  @Test
  void parameterCountMatchesKeras() {
    assertThat(net.numParams()).isEqualTo(1_256_080L).isEqualTo(LeNet.PARAMETERS);
  }

  @Test
  void layersAndParameterShapes() {
    Layer[] layers = net.getLayers();
    assertThat(layers).hasSize(6);
    assertThat(layers[0].conf().getLayer()).isInstanceOf(ConvolutionLayer.class);
    assertThat(layers[1].conf().getLayer()).isInstanceOf(SubsamplingLayer.class);
    assertThat(layers[2].conf().getLayer()).isInstanceOf(ConvolutionLayer.class);
    assertThat(layers[3].conf().getLayer()).isInstanceOf(SubsamplingLayer.class);
    assertThat(layers[4].conf().getLayer()).isInstanceOf(DenseLayer.class);
    assertThat(layers[5].conf().getLayer()).isInstanceOf(OutputLayer.class);

    assertThat(net.getParam("0_W").shape()).containsExactly(20, 1, 5, 5);
    assertThat(net.getParam("0_b").length()).isEqualTo(20);
    assertThat(layers[1].numParams()).isZero();
    assertThat(net.getParam("2_W").shape()).containsExactly(50, 20, 5, 5);
    assertThat(net.getParam("2_b").length()).isEqualTo(50);
    assertThat(layers[3].numParams()).isZero();
    assertThat(net.getParam("4_W").shape()).containsExactly(2450, 500);
    assertThat(net.getParam("4_b").length()).isEqualTo(500);
    assertThat(net.getParam("5_W").shape()).containsExactly(500, 10);
    assertThat(net.getParam("5_b").length()).isEqualTo(10);
    assertThat(layers[0].numParams()).isEqualTo(520);
    assertThat(layers[2].numParams()).isEqualTo(25_050);
    assertThat(layers[4].numParams()).isEqualTo(1_225_500);
    assertThat(layers[5].numParams()).isEqualTo(5_010);
  }

  @Test
  void adamWithTheGivenLearningRate() {
    for (Layer l : net.getLayers()) {
      if (l.conf().getLayer() instanceof BaseLayer b) {
        assertThat(b.getIUpdater()).isInstanceOf(Adam.class);
        assertThat(((Adam) b.getIUpdater()).getLearningRate()).isEqualTo(1e-3);
      }
    }
  }

  @Test
  void outputIsAProbabilityPerImage() {
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28);
    INDArray out = net.output(x);
    assertThat(out.shape()).containsExactly(3, 10);
    assertThat(out.minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
    INDArray sums = out.sum(1);
    for (int i = 0; i < 3; i++) {
      assertThat(sums.getDouble(i)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void theSeedFixesTheInitialWeights() {
    MultiLayerNetwork same = new MultiLayerNetwork(LeNet.configuration(42, 1e-3));
    same.init();
    MultiLayerNetwork other = new MultiLayerNetwork(LeNet.configuration(43, 1e-3));
    other.init();
    assertThat(same.params()).isEqualTo(net.params());
    assertThat(other.params()).isNotEqualTo(net.params());
  }
}
