package org.mnistspark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's Kryo registrator, except that INDArrays are always deserialized outside any workspace.
 *
 * <p>ND4J's own serializer allocates a read array in whatever workspace the reading thread has
 * open. DL4J 1.0.0-M2 reads RDD elements lazily inside the cyclic workspace of its
 * AsyncDataSetIterator prefetch thread (evaluate, and fit with prefetch), while its
 * IteratorDataSetIterator keeps a view of the rest of a split minibatch across calls; once the
 * cyclic workspace wraps around, that view reads someone else's data. Every storage level that
 * keeps minibatches serialized (*_SER, DISK_ONLY, spilled MEMORY_AND_DISK, OFF_HEAP) was hit;
 * see docs/serialized-cache.md.
 */
public class DetachedNd4jRegistrator extends Nd4jRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    super.registerClasses(kryo);
    kryo.register(Nd4j.getBackend().getNDArrayClass(), new DetachedSerializer());
  }

  /** Writes as ND4J does; reads into memory that no workspace can reuse. */
  static final class DetachedSerializer extends Nd4jSerializer {
    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
      try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        return super.read(kryo, input, type);
      }
    }
  }
}
