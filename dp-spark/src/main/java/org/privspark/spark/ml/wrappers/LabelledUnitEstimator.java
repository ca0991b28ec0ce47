package org.privspark.spark.ml.wrappers;

import org.apache.spark.ml.param.Param;
import org.privspark.spark.ml.params.ParamChecks;

/**
 * A {@link UnitLevelEstimator} of a supervised wrapper: adds the label column.
 *
 * @param <M> the model
 * @param <S> the concrete estimator
 * @param <P> the plan of one fit
 */
public abstract class LabelledUnitEstimator<
        M extends UnitLevelModel<M>,
        S extends LabelledUnitEstimator<M, S, P>,
        P extends WrapperPlan>
    extends UnitLevelEstimator<M, S, P> {
  private static final long serialVersionUID = 1L;

  private final Param<String> labelCol;

  /** Declares the shared params and the label column for the stage {@code uid}. */
  protected LabelledUnitEstimator(String uid) {
    super(uid);
    labelCol =
        new Param<>(
            uid, "labelCol", "label column name (numeric)", ParamChecks.columnName("labelCol"));
    setDefault(labelCol, "label");
  }

  /**
   * The label column, numeric; default "label" (each wrapper states its domain).
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> labelCol() {
    return labelCol;
  }

  /**
   * Sets {@link #labelCol()}; validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public S setLabelCol(String value) {
    set(labelCol, value);
    return self();
  }

  @Override
  String[] inputColumns() {
    return new String[] {$(featuresCol()), $(labelCol)};
  }
}
