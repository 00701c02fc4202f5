package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.RealMnist;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The prober on real LeNets and real MNIST images. */
class NetworkProberTest {
  static final String MNIST = RealMnist.DIR;
  static final PixelScaler RAW = PixelScaler.none();
  static final PixelScaler MINMAX = PixelScaler.minmax();
  static LabeledImages train;
  static LabeledImages test;

  @BeforeAll
  static void load() throws Exception {
    RealMnist.dir();
    var data = RealMnist.data();
    train = data.train();
    test = data.test();
  }

  static DataSet batch(PixelScaler scaler, LabeledImages images, int from, int n) {
    return new MinibatchAssembler(scaler, n).batch(images.range(from, from + n));
  }

  static MultiLayerNetwork lenet(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(LeNet.configuration(seed, 1e-3));
    net.init();
    return net;
  }

  @Test
  void rawPixelsGiveTheUntrainedFirstLayerAbout255TimesTheScale() {
    MultiLayerNetwork net = lenet(42);
    NetworkProbe raw = new NetworkProber(batch(RAW, test, 0, 256)).measure(net, 0, 0);
    NetworkProbe scaled = new NetworkProber(batch(MINMAX, test, 0, 256)).measure(net, 0, 0);
    System.out.println("untrained, raw:    " + raw);
    System.out.println("untrained, minmax: " + scaled);

    assertThat(raw.layers()).extracting(LayerProbe::layer).containsExactly("conv1", "conv2", "dense");
    double meanRatio = raw.layer("conv1").preActivationMeanAbs() / scaled.layer("conv1").preActivationMeanAbs();
    double maxRatio = raw.layer("conv1").preActivationMaxAbs() / scaled.layer("conv1").preActivationMaxAbs();
    assertThat(meanRatio).isBetween(200.0, 310.0);
    assertThat(maxRatio).isBetween(200.0, 310.0);
    // biases start at 0 and ReLU and max-pooling commute with a positive factor, so every dead unit stays dead
    for (String layer : List.of("conv1", "conv2", "dense")) {
      assertThat(raw.layer(layer).deadFraction()).as(layer).isCloseTo(scaled.layer(layer).deadFraction(), within(1e-3));
    }
  }

  @Test
  void preActivationsAndDeadFractionsMatchAPlainJavaForwardPass() {
    MultiLayerNetwork net = lenet(7);
    DataSet tiny = batch(MINMAX, test, 100, 4);
    NetworkProbe probe = new NetworkProber(tiny).measure(net, 0.5, 123);

    List<INDArray> a = net.feedForward(tiny.getFeatures(), false);
    double[][] z = {
        PlainForward.conv(a.get(0), net.getParam("0_W"), net.getParam("0_b")),
        PlainForward.conv(a.get(2), net.getParam("2_W"), net.getParam("2_b")),
        PlainForward.dense(a.get(4), net.getParam("4_W"), net.getParam("4_b"))};
    for (int k = 0; k < 3; k++) {
      LayerProbe p = probe.layers().get(k);
      PlainForward.Stats expected = PlainForward.stats(z[k], 4);
      assertThat(p.preActivationMeanAbs()).as(p.layer()).isCloseTo(expected.meanAbs(), within(1e-5 * expected.meanAbs()));
      assertThat(p.preActivationMaxAbs()).as(p.layer()).isCloseTo(expected.maxAbs(), within(1e-5 * expected.maxAbs()));
      assertThat(p.deadFraction()).as(p.layer()).isEqualTo(expected.deadFraction())
          .as("%s: a case where some units are dead and some are not", p.layer()).isStrictlyBetween(0.0, 1.0);
    }
    assertThat(probe.epoch()).isEqualTo(0.5);
    assertThat(probe.imagesSeen()).isEqualTo(123);
  }

  @Test
  void deadFractionCountsOnlyUnitsThatAreZeroForEveryImage() {
    // 2 images x 2 channels x 1 x 2 positions: unit (0,0,0) is 0 in both, (1,0,1) in one only
    INDArray out = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[] {0, 3, 1, 2, 0, 5, 4, 0}).reshape(2, 2, 1, 2);
    assertThat(NetworkProber.deadFraction(out)).isEqualTo(0.25);
  }

  @Test
  void gradientNormsArePositiveFiniteAndTheSlopeOfTheMeanLoss() {
    MultiLayerNetwork net = lenet(11);
    DataSet probeBatch = batch(MINMAX, test, 0, 32);
    NetworkProbe probe = new NetworkProber(probeBatch).measure(net, 0, 0);
    int[] index = {0, 2, 4};
    for (int k = 0; k < 3; k++) {
      double norm = probe.layers().get(k).gradientNorm();
      assertThat(norm).as(probe.layers().get(k).layer()).isPositive().isFinite();
      double slope = PlainForward.slopeAlongGradient(net, probeBatch, index[k], 1e-3);
      assertThat(norm).as("%s: |grad| against the loss's slope along the gradient", probe.layers().get(k).layer())
          .isCloseTo(slope, within(0.02 * slope));
    }
  }

  @Test
  void measuringLeavesTheNetworkAsItWasAndTrainingGoesOnTheSame() {
    MultiLayerNetwork measured = lenet(3);
    MultiLayerNetwork untouched = lenet(3);
    for (int b = 0; b < 3; b++) {
      DataSet d = batch(RAW, train, b * 64, 64);
      measured.fit(d);
      untouched.fit(d);
    }
    float[] params = measured.params().toFloatVector();
    float[] state = measured.getUpdater().getStateViewArray().toFloatVector();
    String conf = measured.getLayerWiseConfigurations().toJson();
    double score = measured.score();
    NetworkProber prober = new NetworkProber(batch(RAW, test, 0, 64));
    NetworkProbe first = prober.measure(measured, 0.1, 192);

    assertThat(measured.params().toFloatVector()).isEqualTo(params);
    assertThat(measured.getUpdater().getStateViewArray().toFloatVector()).isEqualTo(state);
    assertThat(measured.getLayerWiseConfigurations().toJson()).isEqualTo(conf);
    assertThat(measured.score()).isEqualTo(score);
    assertThat(prober.measure(measured, 0.1, 192)).as("a second measure of the same network").isEqualTo(first);

    for (int b = 3; b < 5; b++) {
      DataSet d = batch(RAW, train, b * 64, 64);
      measured.fit(d);
      untouched.fit(d);
    }
    assertThat(measured.params().toFloatVector()).isEqualTo(untouched.params().toFloatVector());
    assertThat(measured.getUpdater().getStateViewArray().toFloatVector())
        .isEqualTo(untouched.getUpdater().getStateViewArray().toFloatVector());
  }
}
