package org.privspark.spark.ml.wrappers;

import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.params.HasProbabilisticColumns;
import org.privspark.spark.ml.params.ProbabilisticColumns;

/**
 * A {@link LabelledUnitEstimator} of a classifier whose model adds MLlib's probabilistic columns:
 * the raw prediction and probability vectors, then the prediction ({@link
 * ProbabilisticWrapperModel}).
 *
 * @param <M> the model
 * @param <S> the concrete estimator
 * @param <P> the plan of one fit
 */
public abstract class ProbabilisticUnitEstimator<
        M extends ProbabilisticWrapperModel<M>,
        S extends ProbabilisticUnitEstimator<M, S, P>,
        P extends WrapperPlan>
    extends LabelledUnitEstimator<M, S, P> implements HasProbabilisticColumns {
  private static final long serialVersionUID = 1L;

  private final ProbabilisticColumns columns;

  /**
   * Declares the shared params, the label column and the probabilistic columns for the stage {@code
   * uid}.
   */
  protected ProbabilisticUnitEstimator(String uid) {
    super(uid);
    columns = new ProbabilisticColumns(this);
  }

  @Override
  public ProbabilisticColumns probabilisticColumns() {
    return columns;
  }

  /**
   * Sets {@link #probabilityCol()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setProbabilityCol(String value) {
    set(probabilityCol(), value);
    return self();
  }

  /**
   * Sets {@link #rawPredictionCol()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setRawPredictionCol(String value) {
    set(rawPredictionCol(), value);
    return self();
  }

  /** The input checked, then the raw prediction, probability and prediction columns, each new. */
  @Override
  public final StructType transformSchema(StructType schema) {
    checkInput(schema);
    StructType s = schema;
    for (Param<String> p : List.of(rawPredictionCol(), probabilityCol())) {
      checkAbsent(s, $(p), p.name());
      s = s.add($(p), new VectorUDT(), false);
    }
    checkAbsent(s, $(predictionCol()), "predictionCol");
    return s.add($(predictionCol()), DataTypes.DoubleType, false);
  }
}
