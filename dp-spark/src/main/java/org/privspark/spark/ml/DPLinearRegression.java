package org.privspark.spark.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * Least-squares linear regression trained by DP-SGD at the level of the privacy unit: the loss (w·x
 * + b − y)²/2, Poisson-sampled units, each row's gradient clipped to L2 norm C and each unit
 * contributing the mean of them ({@code unitGradient} "mean", the default) or their sum clipped to
 * C again ("sum"), and Gaussian noise z·C on each summed gradient, accounted as {@code new
 * SampledGaussianEvent(q, z, steps)}. See {@link DpSgdEstimator} for the order of work and the
 * budget.
 *
 * <p><b>Labels.</b> Any finite number; clipping bounds every gradient whatever the label, but
 * gradients of labels far from 0 are clipped hard, so scale the label to about [−1, 1] with public
 * bounds first (see {@code docs/ML.md}). Rows whose gradient is not finite add nothing.
 *
 * <p><b>Learning rate.</b> Default 0.1 (not the logistic default of 1): the squared loss's
 * curvature is ‖x‖², so a constant step diverges above about 2/E‖x‖².
 *
 * <p>Not thread-safe (as Spark's estimators).
 */
public final class DPLinearRegression
    extends DpSgdEstimator<DPLinearRegressionModel, DPLinearRegression> {
  private static final long serialVersionUID = 1L;

  /** A new estimator with a fresh uid (prefix {@code dplinreg}) and the default params. */
  public DPLinearRegression() {
    this(Identifiable.randomUID("dplinreg"));
  }

  /** An estimator with the given uid (Spark's readers call this). */
  public DPLinearRegression(String uid) {
    super(uid);
    // Squared loss diverges for η above about 2/E‖x‖²; 0.1 is safe for ‖x‖² up to about 20.
    setDefault(learningRate(), 0.1);
  }

  @Override
  StructType outputSchema(StructType schema) {
    return DPLogisticRegression.withDouble(schema, $(predictionCol()), "predictionCol");
  }

  @Override
  DpSgd.Loss loss() {
    return DpSgd.Loss.SQUARED;
  }

  @Override
  LabelRule labelRule() {
    return label -> true; // any finite label
  }

  @Override
  DPLinearRegressionModel newModel(
      String modelUid, double[] coefficients, double intercept, PrivacyRecord record) {
    return new DPLinearRegressionModel(modelUid, coefficients, intercept, record);
  }

  @Override
  public DPLinearRegression copy(ParamMap extra) {
    return copyTo(new DPLinearRegression(uid()), extra);
  }

  /** Reads an estimator saved with {@code write().save(path)} (its params; no budget). */
  public static MLReader<DPLinearRegression> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads what {@code write().save(path)} saved. */
  public static DPLinearRegression load(String path) {
    return read().load(path);
  }
}
