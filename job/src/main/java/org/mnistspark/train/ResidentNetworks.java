package org.mnistspark.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The networks an executor keeps alive between averaging rounds, one per partition of the
 * current run, so a round costs a copy of the averaged state into warm arrays and workspaces
 * instead of DL4J's rebuild of the whole network. Correctness never depends on them: every
 * round writes the full broadcast state into the network first, so a task that lands on
 * another executor just builds one there.
 */
final class ResidentNetworks {
  private static final Map<String, MultiLayerNetwork> NETWORKS = new ConcurrentHashMap<>();

  private ResidentNetworks() {}

  /**
   * The network for {@code partition} of run {@code runId}, built from {@code configurationJson}
   * the first time; networks of other runs are dropped, since an executor serves one run at a time.
   */
  static MultiLayerNetwork get(String runId, int partition, String configurationJson) {
    NETWORKS.keySet().removeIf(k -> !k.startsWith(runId + "/"));
    return NETWORKS.computeIfAbsent(runId + "/" + partition, k -> {
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
      net.init();
      return net;
    });
  }

  /** Frees the networks of {@code runId} on this executor. */
  static void release(String runId) {
    NETWORKS.keySet().removeIf(k -> k.startsWith(runId + "/"));
  }
}
