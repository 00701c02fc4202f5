package org.mnistspark.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures what input scaling changes inside the network: for each ReLU layer (conv1, conv2,
 * dense of the LeNet), on one fixed probe batch,
 * <ul>
 *   <li><b>pre-activation</b> z = W*x + b, the layer's input to its ReLU: the mean and the maximum
 *       of |z| over every probe image and unit; for a convolution the units are every (channel, y,
 *       x) output element;
 *   <li><b>dead fraction</b>: the share of units whose ReLU output is exactly 0 for <em>every</em>
 *       probe image (convolution: every channel x position element; dense: each of its neurons).
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
      List<Integer> reluLayers = reluLayers(copy);
      double[] gradientNorms = gradientNorms(copy, reluLayers);
      List<INDArray> activations = copy.feedForward(features, false);
      List<LayerProbe> probes = new ArrayList<>();
      for (int k = 0; k < reluLayers.size(); k++) {
        int i = reluLayers.get(k);
        INDArray z = preActivation(copy, i, activations.get(i));
        probes.add(new LayerProbe(name(copy, reluLayers, k), z.ameanNumber().doubleValue(),
            z.amaxNumber().doubleValue(), deadFraction(activations.get(i + 1)), gradientNorms[k]));
      }
      return new NetworkProbe(epoch, imagesSeen, probes);
    }
  }

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

  /** Indices of the hidden layers whose activation is ReLU (the output layer has softmax). */
  static List<Integer> reluLayers(MultiLayerNetwork net) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < net.getnLayers(); i++) {
      if (net.getLayer(i).conf().getLayer() instanceof BaseLayer b && b.getActivationFn() instanceof ActivationReLU) {
        out.add(i);
      }
    }
    return out;
  }

  /** "conv1", "conv2", "dense": the names; a dense layer is numbered only if there are several. */
  private static String name(MultiLayerNetwork net, List<Integer> reluLayers, int k) {
    String kind = kind(net, reluLayers.get(k));
    long sameKind = reluLayers.stream().filter(i -> kind(net, i).equals(kind)).count();
    long before = reluLayers.subList(0, k).stream().filter(i -> kind(net, i).equals(kind)).count();
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
  private double[] gradientNorms(MultiLayerNetwork copy, List<Integer> reluLayers) {
    copy.setInput(features);
    copy.setLabels(labels);
    copy.computeGradientAndScore();
    Gradient g = copy.gradient();
    double n = features.size(0);
    double[] norms = new double[reluLayers.size()];
    for (int k = 0; k < norms.length; k++) {
      norms[k] = Math.sqrt(squaredNorm(g, copy.getLayer(reluLayers.get(k)), reluLayers.get(k))) / n;
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
   * z of layer {@code i}, in double, from the previous layer's output: the layer itself, run with
   * an identity activation, so that the convolution mode, padding and helper are exactly the
   * network's own.
   */
  private static INDArray preActivation(MultiLayerNetwork copy, int i, INDArray previousOutput) {
    INDArray input = previousOutput;
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

  /** Share of units (all elements of one image's output) whose output is 0 for every image. */
  static double deadFraction(INDArray reluOutput) {
    long n = reluOutput.size(0);
    double[] largest = reluOutput.reshape('c', new long[] {n, reluOutput.length() / n}).max(0).toDoubleVector();
    long dead = 0;
    for (double v : largest) {
      if (v == 0) {
        dead++;
      }
    }
    return (double) dead / largest.length;
  }
}
