package org.mnistspark.use;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.UnitSpark;
import org.mnistspark.data.MnistLoader;

/**
 * What predict's driver receives: a summary per partition first, then each part file as a stream of
 * minibatch-sized slices, partition by partition; never a part file as one piece.
 */
class DistributedPredictionTest {
  private static final int BATCH = 256;
  private static final int PARTITIONS = 3;
  private static JavaSparkContext sc;
  private static StoredModel model;
  private static PredictionInput input;

  @BeforeAll
  static void start() throws Exception {
    Configuration hadoop = new Configuration();
    model = StoredModel.read(UseFixture.trainedRun().toString(), hadoop);
    input = PredictionInput.open(Path.of(UseFixture.MNIST, MnistLoader.TEST_IMAGES).toString(),
        new org.mnistspark.config.TableConfig("label", "image"), hadoop);
    sc = UnitSpark.start();
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  /** A slice as the driver got it. */
  private record Slice(int partition, int images, int lines) {}

  @Test
  void partFilesArriveAsMinibatchSlicesInPartitionOrderAfterTheSummaries() throws Exception {
    List<String> events = new ArrayList<>();
    List<PartitionOutput> summaries = new ArrayList<>();
    List<Slice> slices = new ArrayList<>();

    DistributedPrediction.Scored scored = DistributedPrediction.predict(sc, model, input, PARTITIONS, BATCH,
        PredictionFormat.CSV, s -> {
          events.add("check");
          summaries.addAll(s);
        }, it -> {
          events.add("write");
          it.forEachRemaining(s -> slices.add(new Slice(s.partition, s.images,
              (int) new String(s.text, StandardCharsets.UTF_8).lines().count())));
        });

    assertThat(events).containsExactly("check", "write");
    assertThat(scored.partFiles()).isEqualTo(PARTITIONS);
    assertThat(summaries).extracting(s -> s.partition).containsExactly(0, 1, 2);
    assertThat(summaries).extracting(s -> s.images).containsExactly(3333, 3333, 3334);
    assertThat(summaries).allMatch(s -> s.text == null && s.problem == null);

    assertThat(slices).extracting(Slice::partition).isSorted();
    for (int p = 0; p < PARTITIONS; p++) {
      int partition = p;
      List<Slice> own = slices.stream().filter(s -> s.partition == partition).toList();
      assertThat(own.get(0)).as("partition %d starts with its header", p).isEqualTo(new Slice(p, 0, 1));
      assertThat(own.subList(1, own.size())).as("partition %d's records", p)
          .allMatch(s -> s.images > 0 && s.images <= BATCH && s.lines == s.images);
      assertThat(own.stream().mapToInt(Slice::images).sum()).isEqualTo(summaries.get(p).images);
    }
    assertThat(slices).hasSize(PARTITIONS + 3 * 14); // 3333 or 3334 images are 14 minibatches of 256 or fewer
  }

  @Test
  void aRefusalStopsTheRunBeforeAnythingIsHandedToTheWriter() {
    List<String> events = new ArrayList<>();
    assertThatThrownBy(() -> DistributedPrediction.predict(sc, model, input, PARTITIONS, BATCH, PredictionFormat.JSONL,
        s -> {
          events.add("check");
          throw new IOException("refused");
        }, it -> events.add("write")))
        .isInstanceOf(IOException.class).hasMessage("refused");
    assertThat(events).containsExactly("check");
  }
}
