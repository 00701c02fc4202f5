package org.mnistspark.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column params the estimator and its model share, made per owner: Spark ML params belong to
 * one instance, and from Java the two classes cannot share Spark's Has*Col traits (SPARK-15605).
 */
final class LeNetParams {
  private LeNetParams() {}

  static Param<String> imageCol(Params owner) {
    return new Param<>(owner, "imageCol", "column holding the image: 784 bytes row-major, an array of 784 numbers 0..255, "
        + "or Spark's image struct of a 28x28 one-channel image");
  }

  static Param<String> labelCol(Params owner) {
    return new Param<>(owner, "labelCol", "column holding the label, a whole number 0-9");
  }

  static Param<String> predictionCol(Params owner) {
    return new Param<>(owner, "predictionCol", "output column: the predicted class as a double");
  }

  static Param<String> probabilityCol(Params owner) {
    return new Param<>(owner, "probabilityCol", "output column: the 10 class probabilities as a vector");
  }
}
