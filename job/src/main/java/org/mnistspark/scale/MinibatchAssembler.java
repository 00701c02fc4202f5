package org.mnistspark.scale;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.scale.PixelScaler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The distributed scaling map: turns a partition of compact records into scaled minibatches of
 * [n, 1, 28, 28] features and one-hot labels. The same code builds the driver's test batches, so
 * training, validation and test see exactly the same transform.
 */
public final class MinibatchAssembler implements FlatMapFunction<Iterator<LabeledImage>, DataSet> {
  private static final long serialVersionUID = 1L;
  public static final int CLASSES = 10;
  private final PixelScaler scaler;
  private final int batchSize;

  public MinibatchAssembler(PixelScaler scaler, int batchSize) {
    this.scaler = scaler;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<DataSet> call(Iterator<LabeledImage> images) {
    List<DataSet> batches = new ArrayList<>();
    List<LabeledImage> pending = new ArrayList<>(batchSize);
    while (images.hasNext()) {
      pending.add(images.next());
      if (pending.size() == batchSize) {
        batches.add(batch(pending));
        pending.clear();
      }
    }
    if (!pending.isEmpty()) {
      batches.add(batch(pending));
    }
    return batches.iterator();
  }

  /** The minibatches of {@code images}, in order, on the driver. */
  public List<DataSet> assemble(LabeledImages images) {
    return assemble(images.all());
  }

  /** The minibatches of {@code images}, in order; the last one may be smaller. */
  public List<DataSet> assemble(List<LabeledImage> images) {
    List<DataSet> out = new ArrayList<>();
    for (int from = 0; from < images.size(); from += batchSize) {
      out.add(batch(images.subList(from, Math.min(from + batchSize, images.size()))));
    }
    return out;
  }

  /** One minibatch with one-hot labels. */
  public DataSet batch(List<LabeledImage> images) {
    int n = images.size();
    float[] labels = new float[n * CLASSES];
    for (int i = 0; i < n; i++) {
      labels[i * CLASSES + images.get(i).label()] = 1f;
    }
    return new DataSet(features(images.stream().map(LabeledImage::pixels).toList()),
        Nd4j.create(labels, new long[] {n, CLASSES}, 'c'));
  }

  /**
   * The scaled [n, 1, 28, 28] features of raw 784-byte images (unlabelled ones too); a lookup table
   * makes scaling one array read per pixel.
   */
  public INDArray features(List<byte[]> images) {
    float[] table = new float[256];
    for (int v = 0; v < 256; v++) {
      table[v] = scaler.apply(v);
    }
    int n = images.size();
    float[] features = new float[n * LabeledImages.PIXELS];
    for (int i = 0; i < n; i++) {
      byte[] p = images.get(i);
      int base = i * LabeledImages.PIXELS;
      for (int j = 0; j < p.length; j++) {
        features[base + j] = table[p[j] & 0xff];
      }
    }
    return Nd4j.create(features, new long[] {n, 1, 28, 28}, 'c');
  }
}
