package org.mnistspark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Measures the network ({@link NetworkProber}) before training and after epochs 1, 2, 4, 8, ...
 * and the last one, passing everything else on to the run's own listener. Doubling spacing keeps
 * the cost (about a second each) small in long runs while showing early training in detail, where
 * scalings differ most.
 */
public final class MechanismProbes implements DistributedTrainer.EpochListener {
  /** Validation images in the probe batch. */
  public static final int PROBE_IMAGES = 256;

  private final NetworkProber prober;
  private final DistributedTrainer.EpochListener next;
  private final List<NetworkProbe> measured = new ArrayList<>();
  private int epochs;

  public MechanismProbes(DataSet probe, DistributedTrainer.EpochListener next) {
    this.prober = new NetworkProber(probe);
    this.next = next;
  }

  @Override
  public void epochDone(EpochStats stats, int epochs) {
    this.epochs = epochs;
    next.epochDone(stats, epochs);
  }

  @Override
  public void networkAt(double epoch, long imagesSeen, Supplier<MultiLayerNetwork> network) {
    if (due(epoch)) {
      measured.add(prober.measure(network.get(), epoch, imagesSeen));
    }
    next.networkAt(epoch, imagesSeen, network);
  }

  /** Epoch 0, powers of two, and the run's last epoch. */
  private boolean due(double epoch) {
    int e = (int) epoch;
    return e == 0 || Integer.bitCount(e) == 1 || e == epochs;
  }

  /** Continues a resumed run's measurements after those its checkpoint holds. */
  public void resumeWith(List<NetworkProbe> earlier) {
    measured.addAll(earlier);
  }

  public List<NetworkProbe> measured() {
    return List.copyOf(measured);
  }
}
