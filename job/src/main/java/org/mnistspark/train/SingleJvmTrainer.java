package org.mnistspark.train;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.scale.MinibatchAssembler;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The yardstick and the seed's own setting: the same LeNet, seed and data order trained by a
 * plain {@code MultiLayerNetwork.fit} in this JVM, one minibatch after another, without Spark or
 * averaging; validated on the same schedule and with the same clock as the distributed trainers.
 * It is what the resident trainer does with one worker.
 */
public final class SingleJvmTrainer {
  private final JobConfig config;

  public SingleJvmTrainer(JobConfig config) {
    this.config = config;
  }

  /** Trains on {@code train} (shuffled every epoch as one partition), validating on {@code validation}. */
  public DistributedTrainer.Result train(List<LabeledImage> train, List<LabeledImage> validation, PixelScaler scaler,
      DistributedTrainer.EpochListener listener) {
    return train(train, validation, scaler, listener, Checkpointing.NONE);
  }

  /** As the other {@code train}, continuing from and reporting to {@code checkpointing}. */
  public DistributedTrainer.Result train(List<LabeledImage> train, List<LabeledImage> validation, PixelScaler scaler,
      DistributedTrainer.EpochListener listener, Checkpointing checkpointing) {
    EpochPlan plan = new EpochPlan(config.batchSizePerWorker(), 1, config.seed());
    MultiLayerNetwork net = LeNet.network(config, plan.batches(train.size()));
    MinibatchAssembler assembler = new MinibatchAssembler(scaler, config.batchSizePerWorker());
    List<DataSet> validationBatches = new MinibatchAssembler(scaler, config.evalBatchSize()).assemble(validation);
    int batches = plan.batches(train.size());
    TrainingProgress progress = new TrainingProgress(config, train.size(), listener);
    TrainingState from = checkpointing.resumeFrom();
    if (from == null) {
      progress.started(() -> net);
    } else {
      from.model().applyTo(net);
      progress.resume(from);
    }
    epochs:
    for (int e = from == null ? 1 : from.epoch() + 1; e <= config.epochs(); e++) {
      int[] order = plan.order(train.size(), e, 0);
      long epochNanos = 0;
      long epochImages = 0;
      double epochLoss = 0;
      progress.epochStarted();
      for (int b = 0; b < batches; b++) {
        long start = System.nanoTime();
        List<LabeledImage> batch = plan.batch(train, order, b);
        net.fit(assembler.batch(batch));
        long nanos = System.nanoTime() - start;
        epochLoss += net.score() * batch.size();
        epochNanos += nanos;
        epochImages += batch.size();
        progress.trained(nanos, batch.size());
        progress.stepDone(e, b + 1, batches, "minibatches", epochImages, epochNanos / 1e9);
        if (TrainingProgress.checkDue(b + 1, batches, config.validationsPerEpoch())) {
          ValidateRound.Scores s = ValidateRound.score(net, validationBatches);
          boolean stop = progress.validated(e - 1 + (b + 1) / (double) batches, s.evaluation.accuracy(), s.meanLoss(),
              () -> ModelState.of(net));
          if (stop || b == batches - 1) {
            progress.epochDone(e, epochNanos / 1e9, epochImages, epochLoss / epochImages, s.evaluation.accuracy(), s.meanLoss(),
                () -> net);
          }
          if (stop) {
            break epochs;
          }
        }
      }
      checkpointing.epochDone().accept(progress.state(e, ModelState.of(net)));
    }
    ModelState last = ModelState.of(net);
    progress.restoreBest(net);
    return new DistributedTrainer.Result(net, progress.epochs(), progress.curve(), java.util.Map.of(), null,
        progress.stoppedEarly(), progress.kept(), last);
  }
}
