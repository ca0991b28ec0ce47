package org.privspark.spark.ml.wrappers;

import org.apache.spark.ml.param.Param;
import org.privspark.spark.ml.params.ParamChecks;

/**
 * A wrapper model whose MLlib model is a classifier with probabilities: the probability and
 * raw-prediction columns, which {@code transform} passes to it by name.
 *
 * @param <M> the model type
 */
public abstract class ProbabilisticWrapperModel<M extends ProbabilisticWrapperModel<M>> extends UnitLevelModel<M> {
  private static final long serialVersionUID = 1L;

  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  protected ProbabilisticWrapperModel(String uid, WrapperRecord record) {
    super(uid, record);
    probabilityCol = new Param<>(uid, "probabilityCol", "column of class probabilities",
        ParamChecks.columnName("probabilityCol"));
    rawPredictionCol = new Param<>(uid, "rawPredictionCol", "column of raw predictions",
        ParamChecks.columnName("rawPredictionCol"));
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
  }

  /** Probability column; default "probability". */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  /** Raw prediction column; default "rawPrediction". */
  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }
}
