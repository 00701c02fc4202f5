package org.mnistspark.use;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores images on the executors: each partition borrows its executor's loaded model and scores
 * its images a minibatch at a time into slices of its part file's text (the header, then one slice
 * per minibatch), which the executors keep (memory, else disk). All partitions are scored at once
 * and only a summary per partition (images scored, or the first file refused) comes back; if none
 * was refused the driver then fetches the slices one partition at a time, in order, and streams
 * them into the part files. So the driver never holds more than one partition's output (about 180
 * bytes per image as CSV), and no single string of a whole part file exists anywhere.
 */
final class DistributedPrediction {
  private DistributedPrediction() {}

  /** Where the scored slices go: every partition's, in partition order, each partition's header first. */
  @FunctionalInterface
  interface PartWriter {
    void write(Iterator<PartitionOutput> slices) throws IOException;
  }

  /** What scoring found, before anything is written. */
  @FunctionalInterface
  interface Check {
    /** @throws IOException to refuse the input: nothing is then written */
    void check(List<PartitionOutput> summaries) throws IOException;
  }

  /** How many images were scored, how long scoring took (not writing), and how many part files were written. */
  record Scored(int images, double seconds, int partFiles) {}

  /**
   * Scores every image, hands {@code check} one summary per partition in partition order, then, if
   * it returns, hands {@code writer} the slices of every part file.
   */
  static Scored predict(JavaSparkContext sc, StoredModel model, PredictionInput input, int partitions, int batchSize,
      PredictionFormat format, Check check, PartWriter writer) throws IOException {
    Broadcast<byte[]> zip = sc.broadcast(model.zip());
    try (PredictionInput.Spread spread = input.spread(sc, partitions)) {
      sc.setJobDescription("predict " + spread.count() + " images of " + input.location() + " with " + model.path());
      JavaRDD<PartitionOutput> slices = spread.images()
          .mapPartitionsWithIndex(new ScorePartition(model.sha256(), zip, batchSize, format, input.idColumn()), true)
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long start = System.nanoTime();
        List<PartitionOutput> summaries = slices.mapPartitionsWithIndex(DistributedPrediction::summarize, true).collect();
        double seconds = (System.nanoTime() - start) / 1e9;
        check.check(summaries);
        sc.setJobDescription("predict: fetching the part files of " + input.location());
        writer.write(slices.toLocalIterator());
        return new Scored(spread.count(), seconds, summaries.size());
      } finally {
        slices.unpersist(false);
      }
    } finally {
      zip.destroy(false);
    }
  }

  /** One partition's slices summed up: the images scored, or its refusal. */
  private static Iterator<PartitionOutput> summarize(Integer partition, Iterator<PartitionOutput> slices) {
    int images = 0;
    PartitionOutput refusal = null;
    while (slices.hasNext()) {
      PartitionOutput s = slices.next();
      if (s.problem != null) {
        refusal = s;
      }
      images += s.images;
    }
    return List.of(PartitionOutput.summary(partition, images, refusal)).iterator();
  }

  /** Scores one partition with the executor's copy of the model, lazily, a minibatch per slice. */
  static final class ScorePartition implements Function2<Integer, Iterator<ImageToScore>, Iterator<PartitionOutput>> {
    private static final long serialVersionUID = 1L;
    private final String sha256;
    private final Broadcast<byte[]> zip;
    private final int batchSize;
    private final PredictionFormat format;
    private final String idColumn;

    ScorePartition(String sha256, Broadcast<byte[]> zip, int batchSize, PredictionFormat format, String idColumn) {
      this.sha256 = sha256;
      this.zip = zip;
      this.batchSize = batchSize;
      this.format = format;
      this.idColumn = idColumn;
    }

    @Override
    public Iterator<PartitionOutput> call(Integer partition, Iterator<ImageToScore> images) {
      return new Slices(partition, images);
    }

    /** The header, then one slice per minibatch of images; after a refused file, that refusal and nothing more. */
    private final class Slices implements Iterator<PartitionOutput> {
      private final int partition;
      private final Iterator<ImageToScore> images;
      private boolean headerDone;
      private boolean refused;

      Slices(int partition, Iterator<ImageToScore> images) {
        this.partition = partition;
        this.images = images;
      }

      @Override
      public boolean hasNext() {
        return !headerDone || !refused && images.hasNext();
      }

      @Override
      public PartitionOutput next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (!headerDone) {
          headerDone = true;
          return PartitionOutput.scored(partition, 0, bytes(format.header(idColumn)));
        }
        List<ImageToScore> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && images.hasNext()) {
          ImageToScore image = images.next();
          if (image.problem != null) {
            // the first bad file fails the run; scoring the rest would be wasted
            refused = true;
            return PartitionOutput.refused(partition, image);
          }
          batch.add(image);
        }
        float[][] p = ExecutorModels.with(sha256, zip, m -> ModelScores.probabilities(m, batch.stream().map(i -> i.pixels).toList()));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
          text.append(format.line(batch.get(i), idColumn, ModelScores.argmax(p[i]), p[i]));
        }
        return PartitionOutput.scored(partition, batch.size(), bytes(text.toString()));
      }
    }

    private static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
