package org.mnistspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.UnitSpark;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.RealMnist;
import org.mnistspark.data.Sharder;
import org.mnistspark.scale.PixelScaler;

/**
 * Resuming from the state a trainer reports after an epoch continues the run bit for bit: the
 * state holds everything the next epoch reads (the data order comes from seed, epoch and
 * partition, the learning rate from the iteration count), for the resident trainer on local[2] and
 * for the single-JVM trainer.
 */
class ResumeFromStateTest {
  static final String MNIST = RealMnist.DIR;
  static JavaSparkContext sc;
  static LabeledImages train;
  static final PixelScaler MINMAX = PixelScaler.minmax();

  @BeforeAll
  static void start() throws Exception {
    RealMnist.dir();
    train = RealMnist.data().train();
    sc = UnitSpark.start();
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  private static JobConfig config(String trainer) {
    // 800 training images: 2 workers x 400, minibatches of 32, 5 rounds of 3 per epoch, 4 checks per epoch;
    // the learning rate's warm-up runs past the resume point and its decay through the rest
    return JobConfig.load(null, Map.of("master", "local[2]", "partitions", 2, "trainer", trainer, "train-limit", 1000,
        "epochs", 3, "batch-size-per-worker", 32, "averaging-frequency", 3, "learning-rate-decay", "cosine",
        "warmup-epochs", 1.5, "keep-best-validation", true));
  }

  private static DistributedTrainer.Result train(JobConfig c, Checkpointing checkpointing) {
    try (Sharder.Shards shards = new Sharder(sc, c.partitions()).shard(train, c.trainLimit(), c.validationFraction())) {
      return DistributedTrainer.of(sc, c).train(shards.train(), shards.validation(), shards.trainCount(), MINMAX,
          (s, n) -> {}, checkpointing);
    }
  }

  @Test
  void residentTrainerResumedAfterEpochOneEndsWithTheUninterruptedParameters() throws Exception {
    resumedRunMatchesTheUninterruptedOne(config("resident"), 12);
  }

  @Test
  void residentTrainerWithAGrowingAveragingPeriodResumesOnThePeriodOfItsEpoch() throws Exception {
    // averaging every 3, 6, then 12 minibatches: 5, 3 and 2 rounds, 4 + 3 + 2 checks
    resumedRunMatchesTheUninterruptedOne(config("resident").withAveragingGrowth(2), 9);
  }

  @Test
  void singleJvmTrainerResumedAfterEpochOneEndsWithTheUninterruptedParameters() throws Exception {
    resumedRunMatchesTheUninterruptedOne(config("single-jvm"), 12);
  }

  private static void resumedRunMatchesTheUninterruptedOne(JobConfig c, int checks) throws Exception {
    List<TrainingState> states = new ArrayList<>();
    DistributedTrainer.Result whole = train(c, new Checkpointing(null, states::add));
    assertThat(states).extracting(TrainingState::epoch).containsExactly(1, 2, 3);

    // the state as a checkpoint stores it: model states through their bytes
    TrainingState after1 = states.get(0);
    TrainingState stored = new TrainingState(1, ModelState.fromBytes(after1.model().toBytes()),
        after1.best() == null ? null : ModelState.fromBytes(after1.best().toBytes()), after1.progress());
    List<TrainingState> resumedStates = new ArrayList<>();
    DistributedTrainer.Result resumed = train(c, new Checkpointing(stored, resumedStates::add));

    assertThat(resumedStates).extracting(TrainingState::epoch).containsExactly(2, 3);
    assertThat(resumedStates.get(1).model().sameAs(states.get(2).model())).as("state after epoch 3").isTrue();
    assertThat(resumed.network().params()).as("the kept parameters, bit for bit").isEqualTo(whole.network().params());
    // the same check kept; its trainSeconds is a clock reading, not part of the result
    assertThat(resumed.kept()).usingRecursiveComparison().ignoringFields("trainSeconds").isEqualTo(whole.kept());
    assertThat(resumed.curve()).hasSize(checks).extracting(ValidationPoint::accuracy)
        .containsExactlyElementsOf(whole.curve().stream().map(ValidationPoint::accuracy).toList());
    assertThat(resumed.curve()).extracting(ValidationPoint::imagesFitted)
        .containsExactlyElementsOf(whole.curve().stream().map(ValidationPoint::imagesFitted).toList());
    assertThat(resumed.epochs()).extracting(EpochStats::epoch).containsExactly(1, 2, 3);
    assertThat(resumed.epochs()).extracting(EpochStats::trainLoss)
        .containsExactlyElementsOf(whole.epochs().stream().map(EpochStats::trainLoss).toList());
  }
}
