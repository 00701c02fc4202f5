package org.mnistspark.use;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.train.LeNet;

/**
 * Whether a saved network is this project's LeNet: the same layers, kernels, sizes, activations
 * and loss as {@link LeNet#configuration}, ignoring what training chose (seed, optimizer, rate).
 * Scoring assumes 28x28x1 inputs and 10 classes; another network would fail deep inside DL4J, or,
 * worse, score with a meaning nobody intended.
 */
final class LeNetCheck {
  private LeNetCheck() {}

  /** @throws InvalidInputException naming {@code model} and the first layer that differs */
  static void check(String model, MultiLayerConfiguration found) throws InvalidInputException {
    List<String> expected = layers(LeNet.configuration(0, 1e-3));
    List<String> actual = layers(found);
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw refuse(model, "layer " + i + " is '" + actual.get(i) + "', expected '" + expected.get(i) + "'");
      }
    }
    if (expected.size() != actual.size()) {
      throw refuse(model, "it has " + actual.size() + " layers, expected " + expected.size());
    }
  }

  private static InvalidInputException refuse(String model, String why) {
    return new InvalidInputException(model, "not a LeNet of this project (28x28x1 in, 10 classes out): " + why);
  }

  /** One line per layer: its input reshaping, kind, sizes and activation. */
  static List<String> layers(MultiLayerConfiguration conf) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < conf.getConfs().size(); i++) {
      out.add(reshape(conf.getInputPreProcess(i)) + describe(conf.getConf(i).getLayer()));
    }
    return out;
  }

  private static String reshape(InputPreProcessor p) {
    if (p == null) {
      return "";
    }
    if (p instanceof CnnToFeedForwardPreProcessor f) {
      return "flatten " + f.getInputHeight() + "x" + f.getInputWidth() + "x" + f.getNumChannels() + ", ";
    }
    return p.getClass().getSimpleName() + ", ";
  }

  private static String describe(Layer l) {
    if (l instanceof ConvolutionLayer c) {
      return "convolution " + size(c.getKernelSize()) + " stride " + size(c.getStride()) + " " + c.getConvolutionMode()
          + ", " + c.getNIn() + " -> " + c.getNOut() + " channels, " + c.getActivationFn();
    }
    if (l instanceof SubsamplingLayer s) {
      return s.getPoolingType() + " pooling " + size(s.getKernelSize()) + " stride " + size(s.getStride());
    }
    if (l instanceof BaseOutputLayer o) {
      return "output " + o.getNIn() + " -> " + o.getNOut() + ", " + o.getActivationFn() + ", " + o.getLossFn();
    }
    if (l instanceof DenseLayer d) {
      return "dense " + d.getNIn() + " -> " + d.getNOut() + ", " + d.getActivationFn();
    }
    return l.getClass().getSimpleName();
  }

  private static String size(int[] dims) {
    return Arrays.stream(dims).mapToObj(String::valueOf).reduce((a, b) -> a + "x" + b).orElse("");
  }
}
