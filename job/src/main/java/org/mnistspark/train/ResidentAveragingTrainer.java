package org.mnistspark.train;

import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter averaging with resident workers: every executor keeps its network, workspaces and
 * cached records alive between rounds, and a round is one Spark stage that broadcasts the
 * averaged state (parameters, Adam's moments, iteration) and reduces the workers' states back.
 * DL4J's training master instead rebuilds the network on every worker each round and runs three
 * stages with a repartition, which cost a third of each round; see docs/benchmark.md.
 *
 * <p>Each partition is one worker. Every epoch each worker shuffles its partition and fits all of
 * it, {@code averaging-frequency} minibatches per round ({@link EpochPlan}; multiplied by
 * {@code averaging-growth} after every epoch), so every training image is fitted exactly once per epoch.
 *
 * <p>After every epoch the averaged state is all there is: the workers' networks are overwritten
 * by the next round's broadcast, so resuming from a checkpoint of it, even in another driver,
 * continues bit for bit as the uninterrupted run.
 */
final class ResidentAveragingTrainer implements DistributedTrainer {
  private static final Logger log = LoggerFactory.getLogger(ResidentAveragingTrainer.class);
  private final JavaSparkContext sc;
  private final JobConfig config;
  private final long fitStandInNanos;

  ResidentAveragingTrainer(JavaSparkContext sc, JobConfig config) {
    this(sc, config, 0);
  }

  /** {@code fitStandInNanos} > 0: every round's fit is replaced by a wait that long ({@link RoundCosts}). */
  ResidentAveragingTrainer(JavaSparkContext sc, JobConfig config, long fitStandInNanos) {
    this.sc = sc;
    this.config = config;
    this.fitStandInNanos = fitStandInNanos;
  }

  @Override
  public Result train(JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation, long trainCount,
      PixelScaler scaler, EpochListener listener, Checkpointing checkpointing) {
    String runId = UUID.randomUUID().toString();
    EpochPlan plan = new EpochPlan(config.batchSizePerWorker(), config.averagingFrequency(), config.seed());
    int largest = train.mapPartitions(it -> List.of(FitRound.drain(it).size()).iterator()).collect().stream()
        .mapToInt(Integer::intValue).max().orElse(0);
    // the iteration count the schedule reads is the most steps any worker took
    MultiLayerNetwork net = LeNet.network(config, plan.batches(largest));
    String json = net.getLayerWiseConfigurations().toJson();
    MinibatchAssembler assembler = new MinibatchAssembler(scaler, config.batchSizePerWorker());
    MinibatchAssembler evalAssembler = new MinibatchAssembler(scaler, config.evalBatchSize());

    TrainingProgress progress = new TrainingProgress(config, trainCount, listener);
    TrainingState from = checkpointing.resumeFrom();
    ModelState state = from == null ? ModelState.of(net) : from.model();
    if (from == null) {
      progress.started(() -> net);
    } else {
      progress.resume(from);
    }
    RoundClock clock = new RoundClock();
    Broadcast<ModelState> current = sc.broadcast(state);
    try {
      epochs:
      for (int e = from == null ? 1 : from.epoch() + 1; e <= config.epochs(); e++) {
        long epochNanos = 0;
        long epochImages = 0;
        double epochLoss = 0;
        ValidateRound.Scores last = null;
        EpochPlan epochPlan = plan.inEpoch(e, config.averagingGrowth(), largest);
        int rounds = epochPlan.rounds(largest);
        progress.epochStarted();
        for (int r = 0; r < rounds; r++) {
          String round = "epoch " + e + "/" + config.epochs() + ", averaging round " + (r + 1) + "/" + rounds;
          log.debug(round);
          sc.setJobDescription(round);
          long start = System.nanoTime();
          RoundResult result = train.mapPartitionsWithIndex(
              new FitRound(runId, json, current, epochPlan, assembler, e, r, fitStandInNanos), true).treeReduce(RoundResult::add);
          long reduced = System.nanoTime();
          state = result.model.average();
          current.destroy(false);
          current = sc.broadcast(state);
          long end = System.nanoTime();
          clock.add(end - start, result, end - reduced);
          progress.trained(end - start, result.images);
          epochNanos += end - start;
          epochImages += result.images;
          epochLoss += result.lossSum;
          progress.stepDone(e, r + 1, rounds, "averaging rounds", epochImages, epochNanos / 1e9);

          if (TrainingProgress.checkDue(r + 1, rounds, config.validationsPerEpoch())) {
            sc.setJobDescription("epoch " + e + "/" + config.epochs() + ", validation after round " + (r + 1));
            last = validation.mapPartitionsWithIndex(new ValidateRound(runId, json, current, evalAssembler), true)
                .treeReduce(ValidateRound.Scores::add);
            ModelState validated = state;
            boolean stop = progress.validated(e - 1 + (r + 1) / (double) rounds, last.evaluation.accuracy(), last.meanLoss(),
                () -> validated);
            if (stop || r == rounds - 1) {
              progress.epochDone(e, epochNanos / 1e9, epochImages, epochLoss / epochImages,
                  last.evaluation.accuracy(), last.meanLoss(), () -> {
                    validated.applyTo(net);
                    return net;
                  });
            }
            if (stop) {
              break epochs;
            }
          }
        }
        checkpointing.epochDone().accept(progress.state(e, state));
      }
    } finally {
      current.destroy(false);
      sc.setJobDescription(null);
      train.foreachPartition(it -> ResidentNetworks.release(runId));
    }
    state.applyTo(net);
    progress.restoreBest(net);
    return new Result(net, progress.epochs(), progress.curve(), java.util.Map.of(), clock.mean(), progress.stoppedEarly(),
        progress.kept(), state);
  }

  /** Sums of each round's costs, for the mean reported in metrics.json and the benchmark. */
  private static final class RoundClock {
    private int rounds;
    private long roundNanos;
    private double fitNanos;
    private long slowestFitNanos;
    private long broadcastNanos;
    private double stateNanos;

    void add(long round, RoundResult r, long averageAndBroadcast) {
      rounds++;
      roundNanos += round;
      fitNanos += r.fitNanos / (double) r.workers;
      slowestFitNanos += r.maxFitNanos;
      stateNanos += r.stateNanos / (double) r.workers;
      broadcastNanos += averageAndBroadcast;
    }

    RoundTimes mean() {
      return rounds == 0 ? null : new RoundTimes(rounds, roundNanos / 1e6 / rounds, fitNanos / 1e6 / rounds,
          slowestFitNanos / 1e6 / rounds, broadcastNanos / 1e6 / rounds, stateNanos / 1e6 / rounds);
    }
  }
}
