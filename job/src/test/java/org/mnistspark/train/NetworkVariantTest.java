package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Each network variant of the causal arm changes the LeNet as reference.conf says, and only so; no data, no Spark. */
class NetworkVariantTest {

  static MultiLayerNetwork network(String variant) {
    return LeNet.network(JobConfig.load(null, Map.of("network-variant", variant)), 100);
  }

  /** 32 images of uniform noise on 0..255, as raw pixels are, with labels 0..9 in turn. */
  static DataSet rawNoise() {
    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.rand(new int[] {32, 1, 28, 28}).muli(255);
    INDArray y = Nd4j.zeros(32, 10);
    for (int i = 0; i < 32; i++) {
      y.putScalar(i, i % 10, 1);
    }
    return new DataSet(x, y);
  }

  @Test
  void anUnknownVariantIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("network-variant", "resnet")))
        .isInstanceOf(InvalidOptionException.class).hasMessageContaining("network-variant")
        .hasMessageContaining("lenet, batchnorm-conv1, leaky-relu-conv2, conv1-init-over-255");
  }

  @Test
  void batchnormConv1NormalizesConv1BeforeItsReluWhateverThePixelScale() {
    MultiLayerNetwork net = network(LeNet.BATCHNORM_CONV1);
    assertThat(((BaseLayer) net.getLayer(0).conf().getLayer()).getActivationFn()).isInstanceOf(ActivationIdentity.class);
    assertThat(net.getLayer(1).conf().getLayer()).isInstanceOf(BatchNormalization.class);
    assertThat(((ActivationLayer) net.getLayer(2).conf().getLayer()).getActivationFn()).isInstanceOf(ActivationReLU.class);
    // the LeNet's parameters plus gamma, beta, mean and variance of conv1's 20 channels
    assertThat(net.numParams()).isEqualTo(LeNet.PARAMETERS + 4 * 20);

    INDArray raw = rawNoise().getFeatures();
    INDArray normalizedRaw = net.feedForward(raw, true).get(2);
    INDArray normalizedScaled = net.feedForward(raw.div(255), true).get(2);
    // per channel mean 0 and variance 1 over the minibatch, so x and x/255 give conv2 the same input
    assertThat(normalizedRaw.meanNumber().doubleValue()).isCloseTo(0, within(1e-3));
    assertThat(normalizedRaw.stdNumber().doubleValue()).isCloseTo(1, within(1e-2));
    assertThat(normalizedRaw.sub(normalizedScaled).amaxNumber().doubleValue()).isLessThan(1e-2);
  }

  @Test
  void leakyReluConv2ReplacesOnlyConv2sRelu() {
    MultiLayerNetwork net = network(LeNet.LEAKY_RELU_CONV2);
    MultiLayerNetwork plain = network(LeNet.LENET);
    assertThat(net.numParams()).isEqualTo(LeNet.PARAMETERS);
    assertThat(net.params()).isEqualTo(plain.params());
    assertThat(((BaseLayer) net.getLayer(0).conf().getLayer()).getActivationFn()).isInstanceOf(ActivationReLU.class);
    assertThat(((BaseLayer) net.getLayer(2).conf().getLayer()).getActivationFn()).isInstanceOf(ActivationLReLU.class);
    assertThat(((BaseLayer) net.getLayer(4).conf().getLayer()).getActivationFn()).isInstanceOf(ActivationReLU.class);
    // below 0 it passes 0.01 z, so a unit negative for every image still has an output and a gradient
    INDArray raw = rawNoise().getFeatures();
    INDArray conv2 = net.feedForward(raw, false).get(3);
    INDArray plainConv2 = plain.feedForward(raw, false).get(3);
    assertThat(conv2.minNumber().doubleValue()).isNegative();
    assertThat(plainConv2.minNumber().doubleValue()).isZero();
  }

  @Test
  void conv1InitOver255StartsConv1OnRawPixelsWhereTheLenetStartsOnScaledOnes() {
    MultiLayerNetwork net = network(LeNet.CONV1_INIT_OVER_255);
    MultiLayerNetwork plain = network(LeNet.LENET);
    assertThat(net.getLayer(0).getParam("W")).isEqualTo(plain.getLayer(0).getParam("W").div(255));
    for (int i = 1; i < plain.getnLayers(); i++) {
      assertThat(net.getLayer(i).params()).as("layer " + i).isEqualTo(plain.getLayer(i).params());
    }
    INDArray raw = rawNoise().getFeatures();
    INDArray variantOnRaw = net.feedForward(raw, false).get(1);
    INDArray plainOnScaled = plain.feedForward(raw.div(255), false).get(1);
    assertThat(variantOnRaw.sub(plainOnScaled).amaxNumber().doubleValue())
        .isLessThan(1e-5 * plainOnScaled.amaxNumber().doubleValue());
  }

  @Test
  void theProbesNameConv1Conv2AndDenseInEveryVariant() {
    for (String variant : JobConfig.NETWORK_VARIANTS) {
      NetworkProbe p = new NetworkProber(rawNoise()).measure(network(variant), 0, 0);
      assertThat(p.layers()).as(variant).extracting(LayerProbe::layer).containsExactly("conv1", "conv2", "dense");
      for (LayerProbe l : p.layers()) {
        assertThat(l.gradientNorm()).as(variant + " " + l.layer()).isPositive().isFinite();
      }
    }
  }

  @Test
  void aLeakyUnitNegativeForEveryImageCountsAsDeadAsAReluUnitWould() {
    INDArray z = Nd4j.create(new double[][] {{-1, 2, -0.5, 0}, {-3, -1, -0.2, 0}});
    assertThat(NetworkProber.deadFraction(z)).isEqualTo(0.75);
    assertThat(NetworkProber.deadFraction(new ActivationLReLU().getActivation(z.dup(), false))).isEqualTo(0.75);
  }

  @Test
  void rectifiersPointAtTheLayerWhoseWeightsMakeZ() {
    assertThat(NetworkProber.rectifiers(network(LeNet.BATCHNORM_CONV1)))
        .containsExactly(new NetworkProber.Rectifier(2, 0), new NetworkProber.Rectifier(4, 4), new NetworkProber.Rectifier(6, 6));
    assertThat(NetworkProber.rectifiers(network(LeNet.LENET)))
        .containsExactly(new NetworkProber.Rectifier(0, 0), new NetworkProber.Rectifier(2, 2), new NetworkProber.Rectifier(4, 4));
    assertThat(List.of(JobConfig.NETWORK_VARIANTS)).contains(LeNet.LENET, LeNet.BATCHNORM_CONV1, LeNet.LEAKY_RELU_CONV2,
        LeNet.CONV1_INIT_OVER_255);
  }
}
