package org.mnistspark.train;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What parameter averaging moves between the driver and the workers: the flattened parameters,
 * the updater's state (Adam's two moments) and the iteration count Adam's bias correction reads.
 * Plain float arrays, because Kryo writes them without ND4J's per-array headers and the driver
 * sums them in place.
 */
public final class ModelState implements Serializable {
  private static final long serialVersionUID = 1L;
  private final float[] params;
  private final float[] updater;
  private final int iteration;

  private ModelState(float[] params, float[] updater, int iteration) {
    this.params = params;
    this.updater = updater;
    this.iteration = iteration;
  }

  /** A copy of {@code net}'s parameters, updater state and iteration count. */
  public static ModelState of(MultiLayerNetwork net) {
    return new ModelState(net.params().toFloatVector(), updaterState(net),
        net.getIterationCount());
  }

  /** Writes this state into {@code net}, whose layout must match (the same configuration). */
  public void applyTo(MultiLayerNetwork net) {
    applyParamsTo(net);
    INDArray view = net.getUpdater().getStateViewArray();
    if (view != null) {
      view.assign(Nd4j.createFromArray(updater).reshape(view.shape()));
    }
    net.setIterationCount(iteration);
  }

  /** Adam's moments; plain SGD keeps no state, and DL4J then has no state array at all. */
  private static float[] updaterState(MultiLayerNetwork net) {
    INDArray view = net.getUpdater().getStateViewArray();
    return view == null ? new float[0] : view.toFloatVector();
  }

  /** Writes only the parameters: enough for inference. */
  public void applyParamsTo(MultiLayerNetwork net) {
    net.params().assign(Nd4j.createFromArray(params).reshape(net.params().shape()));
  }

  /**
   * The state as bytes for a checkpoint: a format tag, the iteration, both lengths, then the floats
   * big-endian. Raw floats rather than ND4J's or Java's serialization, so a checkpoint can be read
   * back bit for bit by any later version of this job.
   */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(16 + 4 * (params.length + updater.length));
    b.putInt(FORMAT).putInt(iteration).putInt(params.length).putInt(updater.length);
    b.asFloatBuffer().put(params).put(updater);
    return b.array();
  }

  /**
   * Reads what {@link #toBytes} wrote.
   *
   * @throws IOException if {@code bytes} is not a model state of this format
   */
  public static ModelState fromBytes(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < 16 || b.getInt() != FORMAT) {
      throw new IOException("not a model state written by this job");
    }
    int iteration = b.getInt();
    int params = b.getInt();
    int updater = b.getInt();
    if (params < 0 || updater < 0 || bytes.length != 16 + 4L * (params + (long) updater)) {
      throw new IOException("model state of " + bytes.length + " bytes does not hold the " + params + " + " + updater
          + " floats its header declares");
    }
    float[] p = new float[params];
    float[] u = new float[updater];
    b.asFloatBuffer().get(p).get(u);
    return new ModelState(p, u, iteration);
  }

  /** Whether {@code other} holds the same parameters, updater state and iteration, bit for bit. */
  public boolean sameAs(ModelState other) {
    return this == other || iteration == other.iteration && java.util.Arrays.equals(params, other.params)
        && java.util.Arrays.equals(updater, other.updater);
  }

  /** "MST1": changes if the layout of {@link #toBytes} does. */
  private static final int FORMAT = 0x4d535431;

  public int iteration() {
    return iteration;
  }

  float[] params() {
    return params;
  }

  float[] updater() {
    return updater;
  }

  /**
   * Running weighted sum of worker states, averaged at the end. Weights are the minibatches each
   * worker fitted in the round, so a worker that ran out of data in an epoch's last round does not
   * pull the average back to the round's starting point.
   */
  public static final class Sum implements Serializable {
    private static final long serialVersionUID = 1L;
    private float[] params;
    private float[] updater;
    private long weight;
    private int iteration;

    /** A sum holding {@code state} with weight {@code batches}; empty when {@code batches} is 0. */
    public static Sum of(ModelState state, int batches) {
      Sum s = new Sum();
      if (batches > 0) {
        s.params = scaled(state.params, batches);
        s.updater = scaled(state.updater, batches);
        s.weight = batches;
        s.iteration = state.iteration;
      }
      return s;
    }

    /** Adds {@code other} into this sum (which it may reuse) and returns the result. */
    public Sum add(Sum other) {
      if (other.weight == 0) {
        return this;
      }
      if (weight == 0) {
        return other;
      }
      addInto(params, other.params);
      addInto(updater, other.updater);
      weight += other.weight;
      iteration = Math.max(iteration, other.iteration);
      return this;
    }

    /**
     * The weighted mean state; its iteration count is the furthest any worker got, so Adam's bias
     * correction continues from the number of steps one worker took.
     *
     * @throws IllegalStateException if no worker fitted anything
     */
    public ModelState average() {
      if (weight == 0) {
        throw new IllegalStateException("no worker fitted a minibatch in this round");
      }
      float inverse = 1f / weight;
      return new ModelState(scaled(params, inverse), scaled(updater, inverse), iteration);
    }

    private static float[] scaled(float[] values, float factor) {
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = values[i] * factor;
      }
      return out;
    }

    private static void addInto(float[] target, float[] values) {
      for (int i = 0; i < target.length; i++) {
        target[i] += values[i];
      }
    }
  }
}
