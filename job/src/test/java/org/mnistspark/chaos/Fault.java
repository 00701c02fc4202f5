package org.mnistspark.chaos;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the chaos run can do to a run, and which commands each applies to. */
public enum Fault {
  EXECUTOR("executor", "kill -9 of an executor JVM while it trains", true),
  WORKER("worker", "kill -9 of a Worker JVM and its executor (its machine goes away)", true),
  MASTER("master", "kill -9 of the standalone Master", true),
  DRIVER("driver", "kill -9 of the driver after its first checkpoint, then --resume", false),
  DATANODE("datanode", "kill -9 of a DataNode JVM (one of two; files have two replicas)", true),
  DISK_FULL("disk-full", "the disk under --out and its checkpoints (a tmpfs) fills up, then is freed", false),
  CORRUPT_CHECKPOINT("corrupt-checkpoint", "kill -9 of the driver after its last checkpoint, a byte of that "
      + "checkpoint flipped, then --resume", false),
  TWO_RUNS("two-runs", "a second run started on the same --out (a retrain: on the same root)", true);

  /** The name --faults takes. */
  final String id;
  final String description;
  /** Whether it is drawn for retrain runs as well as train runs. */
  final boolean retrainToo;

  Fault(String id, String description, boolean retrainToo) {
    this.id = id;
    this.description = description;
    this.retrainToo = retrainToo;
  }

  static Fault of(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("unknown fault '" + id + "'; known: " + ids()));
  }

  static String ids() {
    return Arrays.stream(values()).map(f -> f.id).collect(Collectors.joining(", "));
  }
}
