package org.mnistspark.use;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.RealMnist;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.output.StoredModelCheck;
import org.mnistspark.scale.MinibatchAssembler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * What the evaluate and predict tests share: one real model, trained once per test JVM on 2,000
 * MNIST images through the train command, and the plain single-JVM answers to compare with.
 */
final class UseFixture {
  static final String MNIST = RealMnist.DIR;
  private static Path run;
  private static MnistData mnist;
  private static float[][] singleJvm;

  private UseFixture() {}

  /** One command line, run in this JVM. */
  static CliRun run(String... args) {
    return CliRun.execute(args);
  }

  /** The train run's folder (model.zip, metrics.json, ...), trained on first use. */
  static synchronized Path trainedRun() throws IOException {
    if (run == null) {
      Path dir = Files.createTempDirectory("use-model");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      Path folder = dir.resolve("run");
      CliRun r = run("train", "--master", "local[2]", "--data", MNIST, "--out", folder.toString(), "--train-limit", "2000",
          "--epochs", "1", "--batch-size-per-worker", "16", "--averaging-frequency", "10");
      assertThat(r.exitCode()).as("training the fixture model; stderr %s", r.err()).isZero();
      run = folder;
    }
    return run;
  }

  static synchronized MnistData mnist() throws IOException {
    if (mnist == null) {
      mnist = RealMnist.data();
    }
    return mnist;
  }

  static ModelStore.Loaded loaded() throws IOException {
    return new ModelStore(new Configuration()).load(trainedRun().resolve(ModelStore.MODEL).toString());
  }

  /** DL4J's evaluation of the model on the 10,000 test images in this JVM, raw pixels through its stored scaler. */
  static Evaluation singleJvmEvaluation() throws IOException {
    return StoredModelCheck.evaluate(loaded(), mnist().test(), 500);
  }

  /** net.output of the model on the 10,000 test images in this JVM: [image][class]. */
  static synchronized float[][] singleJvmProbabilities() throws IOException {
    if (singleJvm == null) {
      ModelStore.Loaded model = loaded();
      List<float[]> rows = new ArrayList<>();
      for (DataSet batch : new MinibatchAssembler(Evaluator.RAW, 500).assemble(mnist().test())) {
        INDArray features = batch.getFeatures();
        ((DataNormalization) model.normalizer()).transform(features);
        rows.addAll(List.of(model.network().output(features).toFloatMatrix()));
      }
      singleJvm = rows.toArray(float[][]::new);
    }
    return singleJvm;
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /** A copy of the trained run in {@code dir} with one byte of model.zip changed. */
  static Path tamperedCopy(Path dir) throws IOException {
    Path copy = Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(trainedRun())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path model = copy.resolve(ModelStore.MODEL);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    return copy;
  }

  /** A run folder written by ModelStore, so it verifies, holding a network that is not the LeNet: 784 -> 64 -> 10. */
  static Path perceptronRun(Path dir) throws IOException {
    MultiLayerNetwork mlp = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build());
    mlp.init();
    ModelStore store = new ModelStore(new Configuration());
    OutputFolder folder = store.folder("--out", dir.toString());
    RunMetrics none = RunMetrics.builder().build();
    store.save(folder, mlp, new ImagePreProcessingScaler(0, 1), none, "", java.util.Map.of());
    return dir;
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temporary folder; the OS cleans it up eventually
    }
  }
}
