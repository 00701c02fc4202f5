package org.mnistspark.train;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mnistspark.config.JobConfig;
import org.mnistspark.scale.MinibatchAssembler;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The LeNet of the original Keras script, layer for layer. */
public final class LeNet {
  /** 520 + 25,050 + 1,225,500 + 5,010: the same count Keras' model.summary() gives. */
  public static final long PARAMETERS = 1_256_080;

  /**
   * DL4J 1.0.0-M2 ships its oneDNN layer helpers switched off by this property (default "true").
   * With them on (and the Nd4jCpu bridge in this project) one core trains about 5x and infers
   * about 25x faster than with im2col + gemm, which spent 80% of its time in im2col.
   */
  public static final String HELPERS_DISABLED_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  /** The network variants ({@code network-variant}, JobConfig.NETWORK_VARIANTS). */
  public static final String LENET = "lenet";
  public static final String BATCHNORM_CONV1 = "batchnorm-conv1";
  public static final String LEAKY_RELU_CONV2 = "leaky-relu-conv2";
  public static final String CONV1_INIT_OVER_255 = "conv1-init-over-255";

  private LeNet() {}

  /**
   * The configuration with a constant Adam learning rate. DL4J's oneDNN helpers are used where the
   * JVM has them on: the job turns them on once as it starts ({@code SparkSetup.configureJvm}),
   * executors in other JVMs get the same property from {@code SparkSetup.sparkConf}.
   */
  public static MultiLayerConfiguration configuration(long seed, double learningRate) {
    return configuration(seed, new Adam(learningRate));
  }

  /**
   * A new, initialised network with the configuration's seed and optimizer, its learning rate
   * following the configured schedule when each worker takes {@code stepsPerEpoch} steps per epoch.
   */
  public static MultiLayerNetwork network(JobConfig config, int stepsPerEpoch) {
    LearningRateSchedule schedule = LearningRateSchedule.of(config, stepsPerEpoch);
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(config.seed(), config.optimizer().updater(schedule),
        config.networkVariant()));
    net.init();
    if (config.networkVariant().equals(CONV1_INIT_OVER_255)) {
      // Xavier sizes conv1's weights for inputs of order 1: on raw pixels this starts conv1 where x/255 starts it
      net.getLayer(0).getParam("W").divi(255);
    }
    return net;
  }

  /** The LeNet trained by {@code updater} (Adam or plain SGD, with its learning rate or schedule). */
  public static MultiLayerConfiguration configuration(long seed, IUpdater updater) {
    return configuration(seed, updater, LENET);
  }

  /**
   * The LeNet or one of its variants ({@code network-variant}): the layers differ, the initial
   * weights of {@code conv1-init-over-255} only in {@link #network}.
   */
  public static MultiLayerConfiguration configuration(long seed, IUpdater updater, String variant) {
    NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater)
        .weightInit(WeightInit.XAVIER)
        .convolutionMode(ConvolutionMode.Same)
        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .list();
    // 28x28x1 -> 28x28x20: 20 filters of 5x5, 'same' padding
    if (variant.equals(BATCHNORM_CONV1)) {
      // each channel of conv1's output brought to mean 0, variance 1 over the minibatch before the ReLU,
      // so conv2 sees the same scale whatever the pixels' scale
      layers.layer(convolution(20, Activation.IDENTITY))
          .layer(new BatchNormalization.Builder().activation(Activation.IDENTITY).build())
          .layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
    } else {
      layers.layer(convolution(20, Activation.RELU));
    }
    return layers
        // -> 14x14x20
        .layer(maxPool())
        // -> 14x14x50
        .layer(convolution(50, variant.equals(LEAKY_RELU_CONV2) ? Activation.LEAKYRELU : Activation.RELU))
        // -> 7x7x50 = 2,450 features
        .layer(maxPool())
        .layer(new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nOut(MinibatchAssembler.CLASSES).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(28, 28, 1))
        .build();
  }

  private static ConvolutionLayer convolution(int filters, Activation activation) {
    return new ConvolutionLayer.Builder(5, 5).nOut(filters).activation(activation).build();
  }

  /**
   * Turns DL4J's oneDNN helpers on in this JVM. A layer reads the property when it is built, so a
   * JVM that only deserializes a saved model (an executor scoring with it) must call this first.
   */
  public static void useOneDnnHelpers() {
    System.setProperty(HELPERS_DISABLED_PROPERTY, "false");
  }

  private static SubsamplingLayer maxPool() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
  }
}
