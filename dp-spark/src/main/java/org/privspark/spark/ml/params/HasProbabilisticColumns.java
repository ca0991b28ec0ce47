package org.privspark.spark.ml.params;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A stage with a probabilistic classifier's output columns ({@link ProbabilisticColumns}): the
 * public accessors Spark ML finds by reflection, and the getters. Implementors hold one {@link
 * ProbabilisticColumns} created in their constructor and add setters that return their own type.
 */
public interface HasProbabilisticColumns extends Params {
  /** The stage's probabilistic output columns (created once, in the constructor). */
  ProbabilisticColumns probabilisticColumns();

  /** Column of class probabilities; default "probability". */
  default Param<String> probabilityCol() {
    return probabilisticColumns().probabilityCol;
  }

  /** Column of raw predictions (margins); default "rawPrediction". */
  default Param<String> rawPredictionCol() {
    return probabilisticColumns().rawPredictionCol;
  }

  /** {@link #probabilityCol()}. */
  default String getProbabilityCol() {
    return getOrDefault(probabilityCol());
  }

  /** {@link #rawPredictionCol()}. */
  default String getRawPredictionCol() {
    return getOrDefault(rawPredictionCol());
  }
}
