package org.mnistspark.output;

import java.util.List;
import java.util.Map;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.MnistData;
import org.mnistspark.scale.PixelScaler;
import org.mnistspark.train.NetworkProbe;
import org.mnistspark.train.TrainingState;

/**
 * One checkpoint: a trainer's state after an epoch, with what the run fixed before training (its
 * configuration, input files, fitted scaler and partition count) and the mechanism probes measured
 * so far, so that a resumed run trains, decides and reports as the uninterrupted one would.
 *
 * @param config every option of the run, as {@code JobConfig.asMap} gives them
 * @param data the input files the run read, with their SHA-256
 * @param partitions the training RDD's partitions: each is one worker with its own data order
 */
public record Checkpoint(Map<String, Object> config, List<MnistData.InputFile> data, PixelScaler scaler, int partitions,
    List<NetworkProbe> mechanism, TrainingState training) {

  public Checkpoint {
    config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
    data = List.copyOf(data);
    mechanism = List.copyOf(mechanism);
  }

  /** Epochs done. */
  public int epoch() {
    return training.epoch();
  }
}
