package org.privspark.spark.ml.wrappers;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.MLReader;

/**
 * A linear regression model fitted by {@link SufficientStatisticsLinearRegression}: MLlib's {@link
 * LinearRegressionModel} of the noisy solution, to which {@code transform} delegates (a prediction
 * column, as MLlib's), with the fit's {@link WrapperRecord}.
 */
public final class SufficientStatisticsLinearRegressionModel
    extends UnitLevelModel<SufficientStatisticsLinearRegressionModel> {
  private static final long serialVersionUID = 1L;

  private final LinearRegressionModel mllib;

  SufficientStatisticsLinearRegressionModel(
      String uid, LinearRegressionModel mllib, WrapperRecord record) {
    super(uid, record);
    this.mllib = mllib;
  }

  /**
   * A copy of the MLlib model, with this model's columns.
   *
   * @return MLlib's own model, holding the noisy parameters
   */
  public LinearRegressionModel mllibModel() {
    return (LinearRegressionModel) configured();
  }

  /**
   * The coefficients.
   *
   * @return the weights w, one per feature
   */
  public Vector coefficients() {
    return mllib.coefficients();
  }

  /**
   * The intercept (the label bounds' midpoint included).
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
  public SufficientStatisticsLinearRegressionModel copy(ParamMap extra) {
    return copyTo(
        new SufficientStatisticsLinearRegressionModel(uid(), mllib, privacyRecord()), extra);
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<SufficientStatisticsLinearRegressionModel> read() {
    return new Reader<>(
        SufficientStatisticsLinearRegressionModel.class.getName(),
        (uid, record, path) ->
            new SufficientStatisticsLinearRegressionModel(
                uid, LinearRegressionModel.load(path), record));
  }

  /** Loads what {@code write().save(path)} saved. */
  public static SufficientStatisticsLinearRegressionModel load(String path) {
    return read().load(path);
  }
}
