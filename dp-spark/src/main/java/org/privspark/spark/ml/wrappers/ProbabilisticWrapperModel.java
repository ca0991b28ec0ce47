package org.privspark.spark.ml.wrappers;

import org.privspark.spark.ml.params.HasProbabilisticColumns;
import org.privspark.spark.ml.params.ProbabilisticColumns;

/**
 * A wrapper model whose MLlib model is a classifier with probabilities: the probability and
 * raw-prediction columns, which {@code transform} passes to it by name.
 *
 * @param <M> the model type
 */
public abstract class ProbabilisticWrapperModel<M extends ProbabilisticWrapperModel<M>>
    extends UnitLevelModel<M> implements HasProbabilisticColumns {
  private static final long serialVersionUID = 1L;

  private final ProbabilisticColumns columns;

  protected ProbabilisticWrapperModel(String uid, WrapperRecord record) {
    super(uid, record);
    columns = new ProbabilisticColumns(this);
  }

  @Override
  public ProbabilisticColumns probabilisticColumns() {
    return columns;
  }
}
