package org.mnistspark.use;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.mnistspark.output.ModelStore;
import org.mnistspark.train.LeNet;

/**
 * The saved models an executor JVM has loaded, kept for every later partition: deserializing
 * model.zip (5 MB of parameters) costs about as much as scoring thousands of images. A network is
 * not safe for two threads at once, so each concurrent task borrows its own; an executor with N
 * task slots loads at most N copies of a model, and keeps them only for the model of its latest job.
 */
public final class ExecutorModels {
  private static final Object LOCK = new Object();
  private static final Deque<ModelStore.Loaded> IDLE = new ArrayDeque<>();
  private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();
  private static String current;

  private ExecutorModels() {}

  /** Runs {@code work} with a loaded copy of the model whose bytes {@code zip} holds. */
  public static <T> T with(String sha256, Broadcast<byte[]> zip, Function<ModelStore.Loaded, T> work) {
    ModelStore.Loaded model = borrow(sha256, zip);
    try {
      return work.apply(model);
    } finally {
      giveBack(sha256, model);
    }
  }

  /** How many times this JVM has deserialized the model with {@code sha256}. */
  static int loads(String sha256) {
    AtomicInteger n = LOADS.get(sha256);
    return n == null ? 0 : n.get();
  }

  private static ModelStore.Loaded borrow(String sha256, Broadcast<byte[]> zip) {
    synchronized (LOCK) {
      if (!sha256.equals(current)) {
        IDLE.clear();
        current = sha256;
      }
      ModelStore.Loaded idle = IDLE.poll();
      if (idle != null) {
        return idle;
      }
    }
    // outside the lock: another task may take an idle copy meanwhile
    LeNet.useOneDnnHelpers();
    try {
      ModelStore.Loaded loaded = ModelStore.deserialize(zip.value(), "model " + sha256, false);
      LOADS.computeIfAbsent(sha256, k -> new AtomicInteger()).incrementAndGet();
      return loaded;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void giveBack(String sha256, ModelStore.Loaded model) {
    synchronized (LOCK) {
      if (sha256.equals(current)) {
        IDLE.push(model);
      }
    }
  }
}
