package org.privspark.spark.ml.wrappers;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * A logistic regression model fitted by {@link OutputPerturbationLogisticRegression}: MLlib's
 * {@link LogisticRegressionModel} of the noisy coefficients, to which {@code transform} delegates
 * (prediction, probability and raw prediction columns, as MLlib's), with the fit's {@link
 * WrapperRecord}.
 */
public final class OutputPerturbationLogisticRegressionModel
    extends ProbabilisticWrapperModel<OutputPerturbationLogisticRegressionModel> {
  private static final long serialVersionUID = 1L;

  private final LogisticRegressionModel mllib;

  OutputPerturbationLogisticRegressionModel(
      String uid, LogisticRegressionModel mllib, WrapperRecord record) {
    super(uid, record);
    this.mllib = mllib;
  }

  /**
   * A copy of the MLlib model, with this model's columns.
   *
   * @return MLlib's own model, holding the noisy parameters
   */
  public LogisticRegressionModel mllibModel() {
    return (LogisticRegressionModel) configured();
  }

  /**
   * The noisy coefficients.
   *
   * @return the weights w, one per feature
   */
  public Vector coefficients() {
    return mllib.coefficients();
  }

  /**
   * The noisy intercept (0 without one).
   *
   * @return the intercept b, 0 when none was fitted
   */
  public double intercept() {
    return mllib.intercept();
  }

  @Override
  Model<?> mllib() {
    return mllib;
  }

  @Override
  public OutputPerturbationLogisticRegressionModel copy(ParamMap extra) {
    return copyTo(
        new OutputPerturbationLogisticRegressionModel(uid(), mllib, privacyRecord()), extra);
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<OutputPerturbationLogisticRegressionModel> read() {
    return new Reader<>(
        OutputPerturbationLogisticRegressionModel.class.getName(),
        (uid, record, path) ->
            new OutputPerturbationLogisticRegressionModel(
                uid, LogisticRegressionModel.load(path), record));
  }

  /** Loads what {@code write().save(path)} saved. */
  public static OutputPerturbationLogisticRegressionModel load(String path) {
    return read().load(path);
  }
}
