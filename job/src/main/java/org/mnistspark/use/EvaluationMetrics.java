package org.mnistspark.use;

import java.util.List;
import org.mnistspark.data.MnistData;
import org.mnistspark.eval.TestMetrics;
import org.mnistspark.output.RunMetrics;

/**
 * What the evaluate command's metrics.json holds; Jackson writes it as is. {@code test} has the
 * shape of a training run's {@code test}, so the same query reads both.
 *
 * @param seconds the distributed evaluation only (model broadcast, loading on executors, scoring)
 */
public record EvaluationMetrics(
    Model model,
    Data data,
    TestMetrics test,
    RunMetrics.Spark spark,
    double seconds,
    double imagesPerSecond,
    String finishedAt) {

  /** @param scaling what the model's stored normalizer does to raw pixels */
  public record Model(String path, String sha256, String scaling) {}

  /** @param files the images file and the labels file as read */
  public record Data(List<MnistData.InputFile> files, int images) {}
}
