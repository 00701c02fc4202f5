package org.mnistspark.ml;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.data.ImageTable;
import org.mnistspark.data.InvalidInputException;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.output.ModelStore;
import org.mnistspark.output.OutputFolder;
import org.mnistspark.use.ExecutorModels;
import org.mnistspark.use.ModelScores;
import scala.Option;

/**
 * A trained LeNet as a Spark ML Model: {@code transform} adds {@code prediction} (the class as a
 * double) and {@code probability} (a vector of the 10 class probabilities), scoring each partition
 * in minibatches with one network per executor, as the predict command does. Saved as Spark ML
 * metadata plus {@code model/}, a folder holding model.zip with its manifest, which evaluate and
 * predict take as {@code --model}.
 */
public final class LeNetClassificationModel extends Model<LeNetClassificationModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  /** Rows scored per network call. */
  private static final int BATCH = 256;
  /** The model's folder inside a saved stage: an output folder of this job. */
  static final String MODEL_FOLDER = "model";

  private final String uid;
  private final byte[] zip;
  private final Param<String> imageCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;

  LeNetClassificationModel(String uid, byte[] zip) {
    this.uid = uid;
    this.zip = zip;
    imageCol = LeNetParams.imageCol(this);
    predictionCol = LeNetParams.predictionCol(this);
    probabilityCol = LeNetParams.probabilityCol(this);
    setDefault(imageCol, "image");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> imageCol() { return imageCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }

  public LeNetClassificationModel setImageCol(String v) { set(imageCol, v); return this; }
  public LeNetClassificationModel setPredictionCol(String v) { set(predictionCol, v); return this; }
  public LeNetClassificationModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }

  /** model.zip's bytes, as a train run writes them. */
  public byte[] modelZip() {
    return zip.clone();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    Dataset<Row> rows = dataset.toDF();
    String kind;
    try {
      kind = ImageTable.imageKind(rows, "the DataFrame", getOrDefault(imageCol));
    } catch (InvalidInputException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<byte[]> model = sc.broadcast(zip);
    // the broadcast stays: the returned DataFrame is lazy and reads it whenever it is computed
    JavaRDD<Row> scored = rows.javaRDD().mapPartitions(new ScorePartition(DigestUtils.sha256Hex(zip), model,
        rows.schema().fieldIndex(getOrDefault(imageCol)), kind));
    return dataset.sparkSession().createDataFrame(scored, out);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!Arrays.asList(schema.fieldNames()).contains(getOrDefault(imageCol))) {
      throw new IllegalArgumentException("no column '" + getOrDefault(imageCol) + "' in the DataFrame; it has "
          + String.join(", ", schema.fieldNames()));
    }
    return outputSchema(schema, getOrDefault(predictionCol), getOrDefault(probabilityCol));
  }

  /** {@code schema} with the two output columns appended, in Spark ML's types; refused if either exists. */
  static StructType outputSchema(StructType schema, String prediction, String probability) {
    for (String column : new String[] {prediction, probability}) {
      if (Arrays.asList(schema.fieldNames()).contains(column)) {
        throw new IllegalArgumentException("output column '" + column + "' already exists in the DataFrame");
      }
    }
    return schema.add(prediction, DataTypes.DoubleType, false).add(probability, SQLDataTypes.VectorType(), false);
  }

  @Override
  public LeNetClassificationModel copy(ParamMap extra) {
    return copyValues(new LeNetClassificationModel(uid, zip), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new LeNetModelWriter(this);
  }

  public static MLReader<LeNetClassificationModel> read() {
    return new LeNetModelReader();
  }

  public static LeNetClassificationModel load(String path) {
    return read().load(path);
  }

  /** Each row with its prediction and probabilities appended, a minibatch at a time. */
  static final class ScorePartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final String sha256;
    private final Broadcast<byte[]> zip;
    private final int image;
    private final String kind;

    ScorePartition(String sha256, Broadcast<byte[]> zip, int image, String kind) {
      this.sha256 = sha256;
      this.zip = zip;
      this.image = image;
      this.kind = kind;
    }

    /** Lazily, a minibatch at a time, so a partition's output is never held whole. */
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        private Iterator<Row> current = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext() && rows.hasNext()) {
            List<Row> batch = new ArrayList<>(BATCH);
            while (batch.size() < BATCH && rows.hasNext()) {
              batch.add(rows.next());
            }
            current = scored(batch).iterator();
          }
          return current.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return current.next();
        }
      };
    }

    private List<Row> scored(List<Row> batch) {
      List<byte[]> pixels = new ArrayList<>(batch.size());
      for (Row r : batch) {
        byte[] p = ImageTable.pixels(r, image, kind);
        if (p == null || p.length != LabeledImages.PIXELS) {
          throw new IllegalArgumentException("a row's image has " + (p == null ? "no" : p.length) + " pixels, not "
              + LabeledImages.PIXELS);
        }
        pixels.add(p);
      }
      float[][] probabilities = ExecutorModels.with(sha256, zip, m -> ModelScores.probabilities(m, pixels));
      List<Row> scored = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Object[] values = new Object[batch.get(i).size() + 2];
        for (int c = 0; c < batch.get(i).size(); c++) {
          values[c] = batch.get(i).get(c);
        }
        double[] p = new double[probabilities[i].length];
        for (int c = 0; c < p.length; c++) {
          p[c] = probabilities[i][c];
        }
        values[values.length - 2] = (double) ModelScores.argmax(probabilities[i]);
        values[values.length - 1] = Vectors.dense(p);
        scored.add(RowFactory.create(values));
      }
      return scored;
    }
  }

  /** Spark ML's metadata, then {@code model/} with model.zip and its manifest, written all or nothing. */
  static final class LeNetModelWriter extends MLWriter {
    private final LeNetClassificationModel model;

    LeNetModelWriter(LeNetClassificationModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
      Configuration hadoop = sc().hadoopConfiguration();
      try {
        ModelStore.saveModel(OutputFolder.open("path", path + "/" + MODEL_FOLDER, ModelStore.KIND, hadoop), model.zip);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Reads what {@link LeNetModelWriter} wrote; model.zip is checked against its manifest before DL4J reads it. */
  static final class LeNetModelReader extends MLReader<LeNetClassificationModel> {
    @Override
    public LeNetClassificationModel load(String path) {
      DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(),
          LeNetClassificationModel.class.getName());
      try {
        byte[] zip = new ModelStore(sc().hadoopConfiguration()).readModel(path + "/" + MODEL_FOLDER + "/" + ModelStore.MODEL);
        LeNetClassificationModel model = new LeNetClassificationModel(meta.uid(), zip);
        meta.getAndSetParams(model, Option.empty());
        return model;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
