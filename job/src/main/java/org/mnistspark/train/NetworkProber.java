package org.mnistspark.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures what input scaling changes inside the network: for each ReLU or LeakyReLU (after conv1,
 * conv2 and dense in the LeNet and its variants, named for that layer), on one fixed probe batch,
 * <ul>
 *   <li><b>pre-activation</b> z = W*x + b (batch-normalized in {@code batchnorm-conv1}), the input to
 *       the rectifier: the mean and the maximum of |z| over every probe image and unit; for a
 *       convolution the units are every (channel, y, x) output element;
 *   <li><b>dead fraction</b>: the share of units whose z is at most 0 for <em>every</em> probe image
 *       (convolution: every channel x position element; dense: each of its neurons): a ReLU's
 *       output is exactly 0 there, a LeakyReLU's on its shallow slope.
 *       Before training the biases are 0, so a convolution unit whose 5x5 window is blank in every
 *       probe image (MNIST's empty border) has z = 0 and counts as dead; the share of such
 *       positions is the same for every scaling that maps 0 to 0;
 *   <li><b>gradient norm</b>: the L2 norm of the gradient of the loss with respect to the layer's
 *       weights and bias together, the loss being the network's score on the probe batch (mean
 *       cross-entropy over its images).
 * </ul>
 * All of it runs on a copy of the network, so a live network mid-training can be measured
 * without any change to its parameters, updater state, listeners or configuration.
 */
public final class NetworkProber {
  private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();
  private final INDArray features;
  private final INDArray labels;

  /**
   * @param probe one fixed, already scaled minibatch (features NCHW [n, 1, 28, 28], one-hot
   *     labels), e.g. 256 validation images; copied, so later changes by the caller do not move it
   */
  public NetworkProber(DataSet probe) {
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      this.features = probe.getFeatures().dup();
      this.labels = probe.getLabels().dup();
    }
  }

  /** Measures {@code net} without changing its parameters or updater state. */
  public NetworkProbe measure(MultiLayerNetwork net, double epoch, long imagesSeen) {
    // a trainer may call this between fits with a workspace still open; the copy must outlive none of it
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      MultiLayerNetwork copy = copyOf(net);
      List<Rectifier> rectifiers = rectifiers(copy);
      double[] gradientNorms = gradientNorms(copy, rectifiers);
      List<INDArray> activations = copy.feedForward(features, false);
      List<LayerProbe> probes = new ArrayList<>();
      for (int k = 0; k < rectifiers.size(); k++) {
        INDArray z = preActivation(copy, rectifiers.get(k), activations);
        probes.add(new LayerProbe(name(copy, rectifiers, k), z.ameanNumber().doubleValue(),
            z.amaxNumber().doubleValue(), deadFraction(z), gradientNorms[k]));
      }
      return new NetworkProbe(epoch, imagesSeen, probes);
    }
  }

  /**
   * Where the network rectifies: layer {@code index} applies a ReLU or LeakyReLU to z, computed by
   * the convolution or dense layer {@code weights} (the same layer, or an earlier one when batch
   * normalization and an activation layer follow it).
   */
  record Rectifier(int index, int weights) {}

  /**
   * A network of its own: configuration cloned (the probe switches activations on it) and
   * parameters copied, but no listeners (a trainer's must not see the probe's passes) and no
   * updater: {@code net.clone()} would copy Adam's state, 2.5M numbers the probe never uses.
   */
  static MultiLayerNetwork copyOf(MultiLayerNetwork net) {
    MultiLayerNetwork copy = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
    copy.init(net.params().dup(), false);
    return copy;
  }

  /** The hidden layers whose activation is ReLU or LeakyReLU (the output layer has softmax), in network order. */
  static List<Rectifier> rectifiers(MultiLayerNetwork net) {
    List<Rectifier> out = new ArrayList<>();
    int weights = -1;
    for (int i = 0; i < net.getnLayers(); i++) {
      Object conf = net.getLayer(i).conf().getLayer();
      if (conf instanceof ConvolutionLayer || conf instanceof DenseLayer) {
        weights = i;
      }
      if (weights >= 0 && isRectifier(activation(conf))) {
        out.add(new Rectifier(i, weights));
      }
    }
    return out;
  }

  private static IActivation activation(Object conf) {
    if (conf instanceof ActivationLayer a) {
      return a.getActivationFn();
    }
    return conf instanceof BaseLayer b ? b.getActivationFn() : null;
  }

  private static boolean isRectifier(IActivation a) {
    return a instanceof ActivationReLU || a instanceof ActivationLReLU;
  }

  /** "conv1", "conv2", "dense": the weights layer's kind, numbered; a dense layer only if there are several. */
  private static String name(MultiLayerNetwork net, List<Rectifier> rectifiers, int k) {
    String kind = kind(net, rectifiers.get(k).weights());
    long sameKind = rectifiers.stream().filter(r -> kind(net, r.weights()).equals(kind)).count();
    long before = rectifiers.subList(0, k).stream().filter(r -> kind(net, r.weights()).equals(kind)).count();
    return kind.equals("conv") || sameKind > 1 ? kind + (before + 1) : kind;
  }

  private static String kind(MultiLayerNetwork net, int i) {
    Object conf = net.getLayer(i).conf().getLayer();
    return conf instanceof ConvolutionLayer ? "conv" : conf instanceof DenseLayer ? "dense" : "layer";
  }

  /**
   * L2 norm of d(mean loss)/d(W, b) per layer. DL4J's backprop gives the gradient of the loss
   * summed over the minibatch (its updater divides by the minibatch size later), so it is
   * divided by the probe size here.
   */
  private double[] gradientNorms(MultiLayerNetwork copy, List<Rectifier> rectifiers) {
    copy.setInput(features);
    copy.setLabels(labels);
    copy.computeGradientAndScore();
    Gradient g = copy.gradient();
    double n = features.size(0);
    double[] norms = new double[rectifiers.size()];
    for (int k = 0; k < norms.length; k++) {
      int weights = rectifiers.get(k).weights();
      norms[k] = Math.sqrt(squaredNorm(g, copy.getLayer(weights), weights)) / n;
    }
    copy.clear();
    return norms;
  }

  private static double squaredNorm(Gradient g, Layer layer, int index) {
    double sum = 0;
    for (String param : layer.paramTable().keySet()) {
      double norm = g.getGradientFor(index + "_" + param).norm2Number().doubleValue();
      sum += norm * norm;
    }
    return sum;
  }

  /**
   * z of a rectifier, in double. A layer that rectifies its own output is run again from the
   * previous layer's output with an identity activation, so that the convolution mode, padding
   * and helper are exactly the network's own; an activation layer's z is simply its input.
   */
  private static INDArray preActivation(MultiLayerNetwork copy, Rectifier r, List<INDArray> activations) {
    int i = r.index();
    if (copy.getLayer(i).conf().getLayer() instanceof ActivationLayer) {
      return activations.get(i).castTo(DataType.DOUBLE);
    }
    INDArray input = activations.get(i);
    InputPreProcessor pre = copy.getLayerWiseConfigurations().getInputPreProcess(i);
    if (pre != null) {
      input = pre.preProcess(input, (int) input.size(0), NO_WORKSPACES);
    }
    BaseLayer conf = (BaseLayer) copy.getLayer(i).conf().getLayer();
    conf.setActivationFn(new ActivationIdentity());
    INDArray z = copy.getLayer(i).activate(input, false, NO_WORKSPACES).castTo(DataType.DOUBLE);
    copy.getLayer(i).clear();
    return z;
  }

  /**
   * Share of units (all elements of one image's output) whose z, or ReLU output, is at most 0 for
   * every image: for a ReLU, units that output 0 and pass no gradient; for a LeakyReLU, units on
   * its shallow slope, the ones a ReLU would have lost.
   */
  static double deadFraction(INDArray z) {
    long n = z.size(0);
    double[] largest = z.reshape('c', new long[] {n, z.length() / n}).max(0).toDoubleVector();
    long dead = 0;
    for (double v : largest) {
      if (v <= 0) {
        dead++;
      }
    }
    return (double) dead / largest.length;
  }
}
