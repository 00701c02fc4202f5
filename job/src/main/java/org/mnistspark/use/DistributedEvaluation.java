package org.mnistspark.use;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.mnistspark.data.ImageTable;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.data.LabeledImage;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.Sharder;
import org.mnistspark.eval.Evaluator;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * A saved model's evaluation on labelled images, computed on the executors: each partition is
 * evaluated with the executor's loaded copy of the model, and the partitions' counts are merged on
 * the driver. Merging counts is exact, so the result equals one evaluation in one JVM.
 */
public final class DistributedEvaluation {
  private DistributedEvaluation() {}

  /** @param partitions 0: Spark's default parallelism */
  static Evaluation evaluate(JavaSparkContext sc, StoredModel model, LabeledImages images, int partitions,
      int batchSize) {
    try (Sharder.Spread spread = new Sharder(sc, partitions).spread(images)) {
      return evaluate(sc, model, spread.records(), batchSize);
    }
  }

  /** An evaluation on a table, with the rows it counted and the partitions it ran in. */
  public record OnTable(Evaluation eval, int rows, int partitions) {}

  /**
   * The model's evaluation on {@code table}, whose rows the executors check first, cut into
   * {@code partitions} (0: Spark's default parallelism) contiguous slices as a file's images are.
   *
   * @throws InvalidInputException if a row breaks the table's rules, or the table is empty
   */
  public static OnTable evaluate(JavaSparkContext sc, StoredModel model, ImageTable table, int partitions, int batchSize)
      throws InvalidInputException {
    int rows = table.checkedRows();
    JavaRDD<LabeledImage> records = new Sharder(sc, partitions).spread(table.records(), rows);
    return new OnTable(evaluate(sc, model, records, batchSize), rows, records.getNumPartitions());
  }

  /** The model's evaluation on {@code records}, which are on the executors already (a table's, a spread file's). */
  public static Evaluation evaluate(JavaSparkContext sc, StoredModel model, JavaRDD<LabeledImage> records, int batchSize) {
    Broadcast<byte[]> zip = sc.broadcast(model.zip());
    try {
      sc.setJobDescription("evaluate " + model.path());
      // as JSON: DL4J writes and reads an evaluation's every count that way, whatever serializer Spark uses
      List<String> parts = records.mapPartitions(new EvaluatePartition(model.sha256(), zip, batchSize)).collect();
      Evaluation total = Evaluation.fromJson(parts.get(0));
      parts.stream().skip(1).map(Evaluation::fromJson).forEach(total::merge);
      return total;
    } finally {
      zip.destroy(false);
    }
  }

  /** One partition's evaluation, as JSON; nothing for an empty partition. */
  static final class EvaluatePartition implements FlatMapFunction<Iterator<LabeledImage>, String> {
    private static final long serialVersionUID = 1L;
    private final String sha256;
    private final Broadcast<byte[]> zip;
    private final int batchSize;

    EvaluatePartition(String sha256, Broadcast<byte[]> zip, int batchSize) {
      this.sha256 = sha256;
      this.zip = zip;
      this.batchSize = batchSize;
    }

    @Override
    public Iterator<String> call(Iterator<LabeledImage> images) {
      if (!images.hasNext()) {
        return Collections.emptyIterator();
      }
      Evaluation e = ExecutorModels.with(sha256, zip,
          m -> Evaluator.evaluateRaw(m.network(), (DataNormalization) m.normalizer(), images, batchSize));
      return List.of(e.toJson()).iterator();
    }
  }
}
