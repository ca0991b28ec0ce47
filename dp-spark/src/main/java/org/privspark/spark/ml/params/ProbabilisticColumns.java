package org.privspark.spark.ml.params;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The output columns of a probabilistic classifier, as MLlib names them: {@code probabilityCol}
 * (default "probability") and {@code rawPredictionCol} (default "rawPrediction"), declared once for
 * the estimators and models that share them. A stage creates one instance in its constructor
 * ({@code new ProbabilisticColumns(this)}), returns it from {@link
 * HasProbabilisticColumns#probabilisticColumns()}, and gets the public accessors Spark ML finds by
 * reflection from {@link HasProbabilisticColumns}.
 */
public final class ProbabilisticColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  final Param<String> probabilityCol;
  final Param<String> rawPredictionCol;

  /** Declares the two params on {@code owner} (with its uid) and sets their defaults. */
  public ProbabilisticColumns(Params owner) {
    String uid = owner.uid();
    probabilityCol =
        new Param<>(
            uid,
            "probabilityCol",
            "column of class probabilities",
            ParamChecks.columnName("probabilityCol"));
    rawPredictionCol =
        new Param<>(
            uid,
            "rawPredictionCol",
            "column of raw predictions (margins)",
            ParamChecks.columnName("rawPredictionCol"));
    owner.setDefault(probabilityCol, "probability");
    owner.setDefault(rawPredictionCol, "rawPrediction");
  }
}
