package org.mnistspark.train;

import java.util.List;

/**
 * The network's state at one point of training.
 *
 * @param epoch fractional epochs done (0 = before training)
 * @param imagesSeen training images fitted so far
 * @param layers one entry per ReLU layer, in network order (conv1, conv2, dense)
 */
public record NetworkProbe(double epoch, long imagesSeen, List<LayerProbe> layers) {
  public NetworkProbe {
    layers = List.copyOf(layers);
  }

  /** The entry of {@code name} ("conv1", "conv2", "dense"). */
  public LayerProbe layer(String name) {
    return layers.stream().filter(l -> l.layer().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no layer " + name + " in " + layers));
  }
}
