package org.mnistspark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.cli.CliRun;
import org.mnistspark.data.LabeledImages;
import org.mnistspark.data.MnistLoader;
import org.mnistspark.data.RealMnist;

/**
 * The estimator as a Spark user meets it: one stage of a Pipeline on a DataFrame of real MNIST
 * images, saved and loaded with the Pipeline, and its saved model used by the CLI's predict, which
 * gives the same prediction and probabilities for every test image.
 */
class LeNetClassifierTest {

  @Test
  void fitsInAPipelineSavesLoadsAndPredictsAsTheCli(@TempDir Path tmp) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("LeNetClassifierTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    List<String> stderr;
    Path saved = tmp.resolve("pipeline");
    Map<Long, Row> transformed = new HashMap<>();
    try {
      Dataset<Row> train = frame(spark, RealMnist.data().train(), 2000);
      Dataset<Row> test = frame(spark, RealMnist.data().test(), 10_000);

      // another stage before ours: the label arrives under another name
      SQLTransformer rename = new SQLTransformer().setStatement("SELECT *, label AS digit FROM __THIS__");
      LeNetClassifier lenet = new LeNetClassifier().setLabelCol("digit").setImageCol("pixels").setEpochs(1).setNumWorkers(2);
      PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {rename, lenet}).fit(train);
      fitted.write().overwrite().save(saved.toString());

      PipelineModel loaded = PipelineModel.load(saved.toString());
      Dataset<Row> scored = loaded.transform(test);
      assertThat(scored.schema().apply("prediction").dataType()).isEqualTo(DataTypes.DoubleType);
      long right = scored.filter("prediction = label").count();
      assertThat(right / 10_000.0).as("test accuracy after one epoch on 1,600 images").isGreaterThan(0.85);
      for (Row r : scored.select("index", "prediction", "probability").collectAsList()) {
        transformed.put(r.getLong(0), r);
      }
      assertThat(transformed).hasSize(10_000);
      assertThat(((Vector) transformed.get(0L).get(2)).size()).isEqualTo(10);

      assertThatThrownBy(() -> new LeNetClassifier().setLabelCol("nope").fit(train))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("no column 'nope' in the DataFrame; it has index, label, pixels");
    } finally {
      spark.stop();
    }

    // the stage's saved model is a model folder the CLI takes as --model
    Path stage = onlySubfolder(saved.resolve("stages"), "lenet");
    Path out = tmp.resolve("predictions");
    CliRun.succeeding("predict", "--master", "local[2]", "--model", stage.toString(), "--images",
        Path.of(RealMnist.DIR, MnistLoader.TEST_IMAGES).toString(), "--out", out.toString());
    int lines = 0;
    try (Stream<Path> parts = Files.list(out)) {
      for (Path part : parts.filter(p -> p.toString().endsWith(".csv")).toList()) {
        for (String line : Files.readAllLines(part)) {
          if (line.startsWith("source,")) {
            continue;
          }
          String[] f = line.split(",");
          Row r = transformed.get(Long.parseLong(f[1]));
          assertThat(Double.parseDouble(f[2])).as("image %s", f[1]).isEqualTo(r.getDouble(1));
          // to float rounding: minibatches cut at other rows change the native kernels' summation order on some CPUs
          for (int c = 0; c < 10; c++) {
            assertThat(Float.parseFloat(f[3 + c])).as("image %s p%d", f[1], c)
                .isCloseTo((float) ((Vector) r.get(2)).apply(c), org.assertj.core.data.Offset.offset(1e-6f));
          }
          lines++;
        }
      }
    }
    assertThat(lines).isEqualTo(10_000);
  }

  private static Dataset<Row> frame(SparkSession spark, LabeledImages images, int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create((long) i, images.get(i).label(), images.get(i).pixels()));
    }
    StructType schema = new StructType().add("index", DataTypes.LongType).add("label", DataTypes.IntegerType)
        .add("pixels", DataTypes.BinaryType);
    return spark.createDataFrame(rows, schema);
  }

  private static Path onlySubfolder(Path folder, String containing) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().contains(containing)).findFirst().orElseThrow();
    }
  }
}
