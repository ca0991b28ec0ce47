package org.privspark.spark.ml.wrappers;

import org.privspark.core.Check;

/**
 * A {@link WrapperBuilder} for a supervised wrapper: adds the label column. Package-private.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class LabelledWrapperBuilder<B extends LabelledWrapperBuilder<B>> extends WrapperBuilder<B> {
  String labelCol = "label";

  LabelledWrapperBuilder() {}

  /** The label column, numeric (default "label"); the wrapper's class comment gives its domain. */
  public B labelCol(String labelCol) {
    this.labelCol = labelCol;
    return self();
  }

  /** Checks featuresCol, labelCol, then the budget. */
  @Override
  void checkColumnsAndBudget() {
    Check.notNull("featuresCol", featuresCol);
    Check.notNull("labelCol", labelCol);
    Check.notNull("budget", budget);
  }
}
