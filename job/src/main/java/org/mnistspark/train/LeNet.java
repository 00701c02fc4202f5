package org.mnistspark.train;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
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
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(config.seed(), config.optimizer().updater(schedule)));
    net.init();
    return net;
  }

  /** The LeNet trained by {@code updater} (Adam or plain SGD, with its learning rate or schedule). */
  public static MultiLayerConfiguration configuration(long seed, IUpdater updater) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater)
        .weightInit(WeightInit.XAVIER)
        .convolutionMode(ConvolutionMode.Same)
        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .list()
        // 28x28x1 -> 28x28x20: 20 filters of 5x5, 'same' padding
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).activation(Activation.RELU).build())
        // -> 14x14x20
        .layer(maxPool())
        // -> 14x14x50
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).activation(Activation.RELU).build())
        // -> 7x7x50 = 2,450 features
        .layer(maxPool())
        .layer(new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nOut(MinibatchAssembler.CLASSES).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(28, 28, 1))
        .build();
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
