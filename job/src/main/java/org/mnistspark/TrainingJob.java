package org.mnistspark;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.MnistData;
import org.mnistspark.data.Sharder;
import org.mnistspark.eval.Evaluator;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.output.Checkpoint;
import org.mnistspark.output.RunMetrics;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.scale.Scaling;
import org.mnistspark.train.Checkpointing;
import org.mnistspark.train.DistributedTrainer;
import org.mnistspark.train.MechanismProbes;
import org.mnistspark.train.MinibatchAssembler;
import org.mnistspark.train.NetworkProbe;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One training run on an already started Spark context: shard, scale, train, evaluate. Loading
 * and saving stay with the caller, so a study or a retrain can run many of these on one context.
 */
public final class TrainingJob {
  private final JavaSparkContext sc;
  private final SparkSetup.TaskCounter tasks;

  public TrainingJob(JavaSparkContext sc, SparkSetup.TaskCounter tasks) {
    this.sc = sc;
    this.tasks = tasks;
  }

  /** A trained run: the network, the scaler it was trained with, its metrics and DL4J's stats text. */
  public record Outcome(DistributedTrainer.Result training, PixelScaler scaler, RunMetrics metrics, String evaluation) {}

  public Outcome run(JobConfig config, MnistData data, DistributedTrainer.EpochListener listener) {
    return run(config, data, listener, Resumption.Plan.NONE);
  }

  /** As the other {@code run}, continuing from the plan's checkpoint if it has one and writing checkpoints to its target. */
  public Outcome run(JobConfig config, MnistData data, DistributedTrainer.EpochListener listener, Resumption.Plan plan) {
    long start = System.nanoTime();
    // Shard: hold out the last part of the training file, spread both parts as compact records.
    // Released after training: a study runs many of these on one context.
    try (Sharder.Shards shards = new Sharder(sc, config.partitions())
        .shard(data.train(), config.trainLimit(), config.validationFraction())) {

      // Scale: statistics from the training split only, applied as a distributed map while batching.
      // A resumed run takes its checkpoint's: refitted on a cluster, the sums could come in another order.
      Checkpoint from = plan.from() == null ? null : plan.from().checkpoint();
      PixelScaler scaler = from != null ? from.scaler() : PixelScaler.fit(config.scaling(), shards.train());
      int partitions = shards.train().getNumPartitions();
      plan.checkPartitions(partitions);

      // Train with parameter averaging; validation runs on the executors during training, the
      // network's insides are measured on a fixed probe batch now and then, and the state is
      // checkpointed after every checkpoint-every-epochs epochs.
      MechanismProbes probes = new MechanismProbes(probeBatch(shards, scaler), listener);
      if (from != null) {
        probes.resumeWith(from.mechanism());
      }
      EpochCheckpointer checkpoints = new EpochCheckpointer(plan.target(), config, data, scaler, partitions, probes);
      DistributedTrainer.Result training = DistributedTrainer.of(sc, config).train(shards.train(), shards.validation(),
          shards.trainCount(), scaler, probes, new Checkpointing(from == null ? null : from.training(), checkpoints));
      return evaluate(config, data, shards, scaler, training, probes.measured(),
          new Checkpointed(plan.resumed(), checkpoints.cost()), start);
    }
  }

  /** The first validation images, scaled as training sees them: the same probe batch for every scaling and seed. */
  private static DataSet probeBatch(Sharder.Shards shards, PixelScaler scaler) {
    List<LabeledImage> images = shards.validation().take(MechanismProbes.PROBE_IMAGES);
    return new MinibatchAssembler(scaler, images.size()).batch(images);
  }

  /** What metrics.json says about checkpoints: where the run resumed from, what writing them cost. */
  private record Checkpointed(RunMetrics.Resumed resumedFrom, RunMetrics.CheckpointCost cost) {}

  /** Evaluates on the driver over the whole test set and gathers the run's metrics. */
  private Outcome evaluate(JobConfig config, MnistData data, Sharder.Shards shards, PixelScaler scaler,
      DistributedTrainer.Result training, List<NetworkProbe> mechanism, Checkpointed checkpointed, long start) {
    int partitions = shards.train().getNumPartitions();

    // Evaluate on the driver over the whole test set.
    Evaluation eval = Evaluator.evaluate(training.network(), new MinibatchAssembler(scaler, config.evalBatchSize()).assemble(data.test()));
    TestMetrics test = Evaluator.metrics(eval);

    RunMetrics metrics = new RunMetrics(
        config.asMap(),
        new RunMetrics.Data(config.dataset(), data.files(), shards.trainCount(), shards.validationCount(), data.test().size()),
        scalingOf(scaler),
        training.epochs(),
        training.curve(),
        training.stoppedEarly(),
        training.kept(),
        test,
        new RunMetrics.Spark(sc.master(), sc.sc().applicationId(), sc.defaultParallelism(),
            partitions, Map.copyOf(tasks.tasksPerExecutor())),
        training.rounds(),
        training.phases(),
        mechanism,
        checkpointed.resumedFrom(),
        checkpointed.cost(),
        (System.nanoTime() - start) / 1e9,
        java.time.Instant.now().toString());
    return new Outcome(training, scaler, metrics, eval.stats());
  }

  private static RunMetrics.Scaling scalingOf(PixelScaler s) {
    boolean fitted = s.kind() == Scaling.STANDARDIZE;
    return new RunMetrics.Scaling(s.kind().label(), s.offset(), s.divisor(),
        fitted ? s.offset() : null, fitted ? s.divisor() : null);
  }
}
