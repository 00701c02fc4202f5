package org.mnistspark.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.report.RunReport;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.scale.Scaling;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.EpochStats;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.ValidationPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

class ModelStoreTest {
  private static MultiLayerNetwork net;
  private static INDArray input;

  @TempDir Path tmp;

  private final ModelStore store = new ModelStore(new Configuration());

  @BeforeAll
  static void build() {
    net = new MultiLayerNetwork(LeNet.configuration(42, 1e-3));
    net.init();
    Nd4j.getRandom().setSeed(5);
    input = Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28);
  }

  static RunMetrics metrics(PixelScaler scaler) {
    JobConfig config = JobConfig.load(null, Map.of("scaling", scaler.kind().label(), "epochs", 2));
    long[][] cm = new long[10][10];
    for (int i = 0; i < 10; i++) {
      cm[i][i] = 9;
      cm[i][(i + 1) % 10] = 1;
    }
    List<TestMetrics.ClassMetrics> perClass = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      perClass.add(new TestMetrics.ClassMetrics(i, 0.9, 0.9, 0.9));
    }
    boolean fitted = scaler.kind() == Scaling.STANDARDIZE;
    List<EpochStats> epochs = List.of(new EpochStats(1, 12.5, 3840.0, 0.31, 0.95, 48_000, 0.2),
        new EpochStats(2, 11.0, 4363.6, 0.12, 0.97, 48_000, 0.1));
    List<ValidationPoint> curve = List.of(new ValidationPoint(1, 48_000, 12.5, 0.95, 0.2),
        new ValidationPoint(2, 96_000, 23.5, 0.97, 0.1));
    DistributedTrainer.Result training = new DistributedTrainer.Result(null, epochs, curve,
        Map.of("ParameterAveragingMasterFitTimesMs", new DistributedTrainer.PhaseTime(2, 23_500)),
        new DistributedTrainer.RoundTimes(20, 1000, 950, 970, 20, 10), null, new ValidationPoint(2, 96_000, 23.5, 0.97, 0.1),
        null);
    return RunMetrics.builder()
        .input(config.asMap(), new RunMetrics.Data("mnist", List.of(new MnistData.InputFile(
            "file:/d/train-images-idx3-ubyte", 47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")),
            48_000, 12_000, 10_000), new RunMetrics.Scaling(scaler.kind().label(), scaler.offset(), scaler.divisor(),
            fitted ? scaler.offset() : null, fitted ? scaler.divisor() : null))
        .training(training, List.of(new NetworkProbe(0, 0, List.of(new LayerProbe("conv1", 10.6, 196, 0.12, 220)))))
        .evaluation(new TestMetrics(100, 0.9, 0.9, 0.9, 0.9, List.copyOf(perClass), cm),
            new RunMetrics.Spark("local[2]", "local-123", 2, 4, Map.of("driver", 17L)))
        .checkpoints(new RunMetrics.Resumed("file:/o/run.checkpoints/epoch-0001", 1),
            new RunMetrics.CheckpointCost(1, 1, 0.2, 15_000_000, 0))
        .finished(25.5, "2026-01-01T00:00:00Z")
        .build();
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void assertSavedExactly(Path out) throws Exception {
    assertThat(names(out)).containsExactlyInAnyOrderElementsOf(RunFiles.all());
    // no temporary or moved-aside siblings remain beside the output folder
    assertThat(names(tmp)).containsExactly(out.getFileName().toString());
  }

  private void assertLoadsTheSameNetwork(Path out) throws Exception {
    ModelStore.Loaded loaded = store.load(out.resolve(ModelStore.MODEL).toString());
    assertThat(loaded.network().params()).isEqualTo(net.params());
    assertThat(loaded.network().numParams()).isEqualTo(LeNet.PARAMETERS);
    assertThat(loaded.network().output(input)).isEqualTo(net.output(input));
    assertThat(loaded.network().getLayerWiseConfigurations().toJson())
        .isEqualTo(net.getLayerWiseConfigurations().toJson());
  }

  @Test
  void minmaxModelRoundTrips() throws Exception {
    Path out = tmp.resolve("minmax-run");
    PixelScaler scaler = PixelScaler.minmax();
    RunMetrics metrics = metrics(scaler);

    store.save(store.folder("--out", out.toString()), net, scaler.toNormalizer(), metrics, "== evaluation ==\naccuracy 0.9\n", RunReport.files(metrics));

    assertSavedExactly(out);
    assertThat(Files.readString(out.resolve(ModelStore.EVALUATION))).isEqualTo("== evaluation ==\naccuracy 0.9\n");
    assertLoadsTheSameNetwork(out);
    ModelStore.Loaded loaded = store.load(out.resolve(ModelStore.MODEL).toString());
    assertThat(loaded.normalizer()).isExactlyInstanceOf(ImagePreProcessingScaler.class);
    ImagePreProcessingScaler n = (ImagePreProcessingScaler) loaded.normalizer();
    INDArray x = Nd4j.createFromArray(new float[] {0, 51, 255}).reshape(1, 1, 1, 3);
    n.transform(x);
    assertThat(x.ravel().toFloatVector()).containsExactly(0f, 0.2f, 1f);
  }

  @Test
  void standardizeModelRoundTrips() throws Exception {
    Path out = tmp.resolve("standardize-run");
    PixelScaler scaler = PixelScaler.standardized(33.318421, 78.567489);

    store.save(store.folder("--out", out.toString()), net, scaler.toNormalizer(), metrics(scaler), "eval", RunReport.files(metrics(scaler)));

    assertSavedExactly(out);
    assertLoadsTheSameNetwork(out);
    ModelStore.Loaded loaded = store.load(out.resolve(ModelStore.MODEL).toString());
    assertThat(loaded.normalizer()).isExactlyInstanceOf(NormalizerStandardize.class);
    NormalizerStandardize n = (NormalizerStandardize) loaded.normalizer();
    assertThat(n.getMean().toFloatVector()).containsExactly((float) scaler.offset());
    assertThat(n.getStd().toFloatVector()).containsExactly((float) scaler.divisor());
  }

  @Test
  void rawPixelModelHasNoNormalizer() throws Exception {
    Path out = tmp.resolve("none-run");
    PixelScaler scaler = PixelScaler.none();
    store.save(store.folder("--out", out.toString()), net, scaler.toNormalizer(), metrics(scaler), "eval", RunReport.files(metrics(scaler)));
    assertSavedExactly(out);
    assertLoadsTheSameNetwork(out);
    assertThat(store.load(out.resolve(ModelStore.MODEL).toString()).normalizer()).isNull();
  }

  @Test
  void savingAgainReplacesTheFolder() throws Exception {
    Path out = tmp.resolve("run");
    PixelScaler minmax = PixelScaler.minmax();
    store.save(store.folder("--out", out.toString()), net, minmax.toNormalizer(), metrics(minmax), "first", RunReport.files(metrics(minmax)));

    PixelScaler standardize = PixelScaler.standardized(30, 80);
    store.save(store.folder("--out", out.toString()), net, standardize.toNormalizer(), metrics(standardize), "second", RunReport.files(metrics(standardize)));

    assertSavedExactly(out);
    assertThat(Files.readString(out.resolve(ModelStore.EVALUATION))).isEqualTo("second");
    assertThat(store.readMetrics(out.toString()).scaling().kind()).isEqualTo("standardize");
    assertThat(store.load(out.resolve(ModelStore.MODEL).toString()).normalizer())
        .isExactlyInstanceOf(NormalizerStandardize.class);
  }

  @Test
  void metricsJsonRoundTrips() throws Exception {
    Path out = tmp.resolve("metrics-run");
    PixelScaler scaler = PixelScaler.standardized(33.3, 78.6);
    RunMetrics metrics = metrics(scaler);
    store.save(store.folder("--out", out.toString()), net, scaler.toNormalizer(), metrics, "eval", RunReport.files(metrics));

    RunMetrics read;
    try (var in = Files.newInputStream(out.resolve(ModelStore.METRICS))) {
      read = ModelStore.JSON.readValue(in, RunMetrics.class);
    }
    // arrays (the confusion matrix) compare by content
    assertThat(read).usingRecursiveComparison().ignoringFields("config").isEqualTo(metrics);
    assertThat(read.test().confusionMatrix()).isDeepEqualTo(metrics.test().confusionMatrix());
    assertThat(read.scaling().mean()).isEqualTo(33.3);
    // JSON keeps the config's keys in order; numbers may come back narrower (a long seed as an int)
    assertThat(read.config().keySet()).containsExactlyElementsOf(metrics.config().keySet());
    metrics.config().forEach((k, v) -> assertThat(String.valueOf(read.config().get(k))).as(k).isEqualTo(String.valueOf(v)));

    RunMetrics viaStore = store.readMetrics(out.toString());
    assertThat(viaStore).usingRecursiveComparison().isEqualTo(read);

    // minmax has no fitted statistics: null, not 0
    PixelScaler minmax = PixelScaler.minmax();
    Path out2 = tmp.resolve("metrics-minmax");
    store.save(store.folder("--out", out2.toString()), net, minmax.toNormalizer(), metrics(minmax), "eval", RunReport.files(metrics(minmax)));
    RunMetrics m2 = store.readMetrics(out2.toString());
    assertThat(m2.scaling().mean()).isNull();
    assertThat(m2.scaling().std()).isNull();
    assertThat(Files.readString(out2.resolve(ModelStore.METRICS))).contains("\"mean\" : null");
  }

  @Test
  void aModelIsLoadedOnlyAsItWasWritten() throws Exception {
    Path out = tmp.resolve("run");
    PixelScaler scaler = PixelScaler.minmax();
    store.save(store.folder("--out", out.toString()), net, scaler.toNormalizer(), metrics(scaler), "eval", RunReport.files(metrics(scaler)));
    Path model = out.resolve(ModelStore.MODEL);
    byte[] written = Files.readAllBytes(model);

    // one byte changed: refused before DL4J reads it
    byte[] changed = written.clone();
    changed[changed.length / 2] ^= 1;
    Files.write(model, changed);
    assertThatThrownBy(() -> store.load(model.toString()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("file:" + model + " is not what was written there (SHA-256 ")
        .hasMessageEndingWith("is not the one in manifest.json); refusing to use it");

    // a model.zip without the manifest it was written with cannot be checked
    Path bare = Files.createDirectories(tmp.resolve("bare")).resolve(ModelStore.MODEL);
    Files.write(bare, written);
    assertThatThrownBy(() -> store.load(bare.toString()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("file:" + bare.getParent() + " has no manifest.json recording what was written, so model.zip "
            + "cannot be checked");
  }

  /** A model.zip larger than any this job writes, its manifest's entry notwithstanding: refused before it is read. */
  @Test
  void aModelLargerThanAnyThisJobWritesIsRefusedUnread() throws Exception {
    Path out = tmp.resolve("run");
    PixelScaler scaler = PixelScaler.minmax();
    store.save(store.folder("--out", out.toString()), net, scaler.toNormalizer(), metrics(scaler), "eval",
        RunReport.files(metrics(scaler)));
    Path model = out.resolve(ModelStore.MODEL);
    OutputFolderTest.sparse(model, 1L << 30);
    assertThatThrownBy(() -> store.load(model.toString()))
        .isExactlyInstanceOf(OutputFolder.NotAsWrittenException.class)
        .hasMessage("file:" + model + " is 1073741824 bytes, more than the 268435456 bytes of any model.zip this job "
            + "writes; refusing to read it");
  }

  @Test
  void unwritableTargetIsRefusedBeforeAnythingIsWritten() throws Exception {
    // the output's parent is a file, so nothing can be created beneath it
    File parent = Files.writeString(tmp.resolve("a-file"), "x").toFile();
    String out = new File(parent, "run").getPath();
    assertThatThrownBy(() -> store.folder("--out", out))
        .isInstanceOf(org.mnistspark.config.InvalidOptionException.class)
        .hasMessage("Invalid value 'file:" + out + "' for option '--out': cannot be created: its parent file:" + parent
            + " is a file");
    assertThat(names(tmp)).containsExactly("a-file");
  }
}
