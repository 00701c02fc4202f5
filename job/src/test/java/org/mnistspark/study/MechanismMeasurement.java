package org.mnistspark.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelMoments;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.scale.Scaling;
import org.mnistspark.train.LayerProbe;
import org.mnistspark.train.LeNet;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.NetworkProber;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A quick real measurement of the mechanism, not part of the build's tests (its name does not
 * end in Test): {@code mvn -o test -Dtest=MechanismMeasurement}. Plain DL4J fit, as the Keras
 * script: 6,000 training images, one epoch, batch 128, Adam 0.001, seed 42, no shuffling, once
 * per scaling; probed before training and after about 1/4, 1/2 and 1 epoch on 256 held-out
 * training images. Prints the numbers and writes target/mechanism-measured.png.
 */
class MechanismMeasurement {
  static final String MNIST = RealMnist.DIR;
  static final int TRAIN = 6000;
  static final int BATCH = 128;
  static final int PROBE_FROM = 50_000;
  static final int VALIDATION_FROM = 51_000;
  static final int VALIDATION = 2000;

  @Test
  void measure() throws Exception {
    assertThat(new File(MNIST, MnistLoader.TRAIN_IMAGES)).isFile();
    LabeledImages all = RealMnist.data().train();
    List<LabeledImage> train = all.range(0, TRAIN);
    Map<String, List<NetworkProbe>> probes = new LinkedHashMap<>();
    for (Scaling kind : Scaling.values()) {
      probes.put(kind.label(), run(scaler(kind, train), all, train));
    }
    Path png = Path.of("target", "mechanism-measured.png");
    Files.write(png, MechanismChart.png(probes));
    System.out.println("chart: " + png.toAbsolutePath());
  }

  private static PixelScaler scaler(Scaling kind, List<LabeledImage> train) {
    return switch (kind) {
      case NONE -> PixelScaler.none();
      case MINMAX -> PixelScaler.minmax();
      case STANDARDIZE -> PixelScaler.standardize(train.stream().reduce(PixelMoments.EMPTY, PixelMoments::add, PixelMoments::merge));
    };
  }

  private static List<NetworkProbe> run(PixelScaler scaler, LabeledImages all, List<LabeledImage> train) {
    MinibatchAssembler assembler = new MinibatchAssembler(scaler, BATCH);
    NetworkProber prober = new NetworkProber(assembler.batch(all.range(PROBE_FROM, PROBE_FROM + 256)));
    List<DataSet> validation = assembler.assemble(all.range(VALIDATION_FROM, VALIDATION_FROM + VALIDATION));
    MultiLayerNetwork net = new MultiLayerNetwork(LeNet.configuration(42, 1e-3));
    net.init();
    List<NetworkProbe> probes = new ArrayList<>();
    long seen = 0;
    int nextQuarter = 0;
    for (DataSet batch : assembler.assemble(train)) {
      if (seen >= nextQuarter * TRAIN / 4) {
        probes.add(probe(scaler, prober, net, seen, validation));
        nextQuarter = nextQuarter == 0 ? 1 : nextQuarter * 2;
      }
      net.fit(batch);
      seen += batch.numExamples();
    }
    probes.add(probe(scaler, prober, net, seen, validation));
    return probes;
  }

  private static NetworkProbe probe(PixelScaler scaler, NetworkProber prober, MultiLayerNetwork net, long seen,
      List<DataSet> validation) {
    long start = System.nanoTime();
    NetworkProbe p = prober.measure(net, (double) seen / TRAIN, seen);
    double ms = (System.nanoTime() - start) / 1e6;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-11s epoch %.3f (%4d images) val acc %.4f probe %4.0f ms |",
        scaler.kind().label(), p.epoch(), seen, accuracy(net, validation), ms));
    for (LayerProbe l : p.layers()) {
      line.append(String.format(Locale.ROOT, " %s: mean|z| %.4g max|z| %.4g dead %.3f |g| %.4g |", l.layer(),
          l.preActivationMeanAbs(), l.preActivationMaxAbs(), l.deadFraction(), l.gradientNorm()));
    }
    System.out.println(line);
    return p;
  }

  private static double accuracy(MultiLayerNetwork net, List<DataSet> validation) {
    var eval = new org.nd4j.evaluation.classification.Evaluation(MinibatchAssembler.CLASSES);
    for (DataSet d : validation) {
      eval.eval(d.getLabels(), net.output(d.getFeatures(), false));
    }
    return eval.accuracy();
  }
}
