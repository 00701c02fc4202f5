package org.mnistspark.ml;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.InvalidOptionException;
import org.mnistspark.config.JobConfig;
import org.mnistspark.data.ImageTable;
import org.mnistspark.output.ModelStore;
import org.mnistspark.pipeline.TrainingPipeline;

/**
 * The job's distributed training as a Spark ML Estimator: {@code fit} trains the LeNet with the
 * resident parameter-averaging trainer on the DataFrame's rows (read by the executors, the last
 * validationFraction held out for validation) and returns a {@link LeNetClassificationModel}.
 * Every training param defaults to reference.conf's value; the rest of reference.conf (schedule,
 * optimizer, ...) applies as it is.
 */
public final class LeNetClassifier extends Estimator<LeNetClassificationModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final JobConfig DEFAULTS = JobConfig.load(null, Map.of());

  private final String uid;
  private final Param<String> labelCol;
  private final Param<String> imageCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final IntParam averagingFrequency;
  private final IntParam numWorkers;
  private final DoubleParam learningRate;
  private final DoubleParam validationFraction;
  private final LongParam seed;
  private final Param<String> scaling;

  public LeNetClassifier() {
    this(Identifiable$.MODULE$.randomUID("lenet"));
  }

  /** Params are made after the uid is set: Spark checks a param's parent against it. */
  public LeNetClassifier(String uid) {
    this.uid = uid;
    labelCol = LeNetParams.labelCol(this);
    imageCol = LeNetParams.imageCol(this);
    predictionCol = LeNetParams.predictionCol(this);
    probabilityCol = LeNetParams.probabilityCol(this);
    epochs = new IntParam(this, "epochs", "training epochs (>= 1)", ParamValidators.gtEq(1));
    batchSize = new IntParam(this, "batchSize", "minibatch per worker; 0 = automatic", ParamValidators.gtEq(0));
    averagingFrequency = new IntParam(this, "averagingFrequency", "minibatches per averaging round; 0 = automatic",
        ParamValidators.gtEq(0));
    numWorkers = new IntParam(this, "numWorkers", "workers (partitions); 0 = Spark's default parallelism",
        ParamValidators.gtEq(0));
    learningRate = new DoubleParam(this, "learningRate", "peak learning rate (> 0)", ParamValidators.gt(0));
    validationFraction = new DoubleParam(this, "validationFraction", "last share of the rows held out for validation",
        ParamValidators.inRange(0, 1, false, false));
    seed = new LongParam(this, "seed", "random seed");
    scaling = new Param<>(this, "scaling", "pixel scaling: none, minmax or standardize",
        ParamValidators.inArray(new String[] {"none", "minmax", "standardize"}));
    setDefault(labelCol, "label");
    setDefault(imageCol, "image");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(epochs, DEFAULTS.epochs());
    setDefault(batchSize, DEFAULTS.batchSizePerWorker());
    setDefault(averagingFrequency, DEFAULTS.averagingFrequency());
    setDefault(numWorkers, DEFAULTS.partitions());
    setDefault(learningRate, DEFAULTS.learningRate());
    setDefault(validationFraction, DEFAULTS.validationFraction());
    setDefault(seed, DEFAULTS.seed());
    setDefault(scaling, DEFAULTS.scaling().label());
  }

  @Override
  public String uid() {
    return uid;
  }

  // Spark finds params through public zero-argument methods returning a Param.
  public Param<String> labelCol() { return labelCol; }
  public Param<String> imageCol() { return imageCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }
  public IntParam epochs() { return epochs; }
  public IntParam batchSize() { return batchSize; }
  public IntParam averagingFrequency() { return averagingFrequency; }
  public IntParam numWorkers() { return numWorkers; }
  public DoubleParam learningRate() { return learningRate; }
  public DoubleParam validationFraction() { return validationFraction; }
  public LongParam seed() { return seed; }
  public Param<String> scaling() { return scaling; }

  public LeNetClassifier setLabelCol(String v) { set(labelCol, v); return this; }
  public LeNetClassifier setImageCol(String v) { set(imageCol, v); return this; }
  public LeNetClassifier setPredictionCol(String v) { set(predictionCol, v); return this; }
  public LeNetClassifier setProbabilityCol(String v) { set(probabilityCol, v); return this; }
  public LeNetClassifier setEpochs(int v) { set(epochs, v); return this; }
  public LeNetClassifier setBatchSize(int v) { set(batchSize, v); return this; }
  public LeNetClassifier setAveragingFrequency(int v) { set(averagingFrequency, v); return this; }
  public LeNetClassifier setNumWorkers(int v) { set(numWorkers, v); return this; }
  public LeNetClassifier setLearningRate(double v) { set(learningRate, v); return this; }
  public LeNetClassifier setValidationFraction(double v) { set(validationFraction, v); return this; }
  public LeNetClassifier setSeed(long v) { set(seed, v); return this; }
  public LeNetClassifier setScaling(String v) { set(scaling, v); return this; }

  /** The job's configuration: reference.conf with these params over it. */
  JobConfig config() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("epochs", getOrDefault(epochs));
    o.put("batch-size-per-worker", getOrDefault(batchSize));
    o.put("averaging-frequency", getOrDefault(averagingFrequency));
    o.put("partitions", getOrDefault(numWorkers));
    o.put("learning-rate", getOrDefault(learningRate));
    o.put("validation-fraction", getOrDefault(validationFraction));
    o.put("seed", getOrDefault(seed));
    o.put("scaling", getOrDefault(scaling));
    return JobConfig.load(null, o);
  }

  @Override
  public LeNetClassificationModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    try {
      ImageTable table = ImageTable.of(dataset.toDF(), "the DataFrame", getOrDefault(labelCol), getOrDefault(imageCol));
      TrainingPipeline.Fitted fitted = TrainingPipeline.fit(sc, config(), table);
      byte[] zip = ModelStore.zip(fitted.training().network(), fitted.scaler().toNormalizer());
      // the model shares the estimator's uid and takes its column params by name
      return copyValues(new LeNetClassificationModel(uid, zip), ParamMap.empty()).setParent(this);
    } catch (IOException | InvalidOptionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    for (String column : new String[] {getOrDefault(labelCol), getOrDefault(imageCol)}) {
      if (!java.util.Arrays.asList(schema.fieldNames()).contains(column)) {
        throw new IllegalArgumentException("no column '" + column + "' in the DataFrame; it has "
            + String.join(", ", schema.fieldNames()));
      }
    }
    return LeNetClassificationModel.outputSchema(schema, getOrDefault(predictionCol), getOrDefault(probabilityCol));
  }

  @Override
  public LeNetClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** What a Pipeline calls to load this stage. */
  public static MLReader<LeNetClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static LeNetClassifier load(String path) {
    return read().load(path);
  }
}
