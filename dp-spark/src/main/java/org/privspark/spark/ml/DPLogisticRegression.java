package org.privspark.spark.ml;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.params.HasProbabilisticColumns;
import org.privspark.spark.ml.params.ParamChecks;
import org.privspark.spark.ml.params.ProbabilisticColumns;

/**
 * Binary logistic regression trained by DP-SGD (Abadi et al. 2016) at the level of the privacy unit
 * (McMahan et al. 2018): Poisson-sampled units, each row's gradient clipped to L2 norm C and each
 * unit contributing the mean of them ({@code unitGradient} "mean", the default) or their sum
 * clipped to C again ("sum"), Gaussian noise z·C on each summed gradient, accounted as {@code new
 * SampledGaussianEvent(q, z, steps)} by the RDP accountant. See {@link DpSgdEstimator} for the
 * order of work and the budget, and {@code docs/ML.md} for what is public.
 *
 * <p><b>Privacy unit.</b> The unit named by {@code privacyUnit}, with all of its rows: identified
 * by {@code privacyUnitCol}, at most {@code maxRowsPerUnit} rows each; or, with {@code rowIsUnit},
 * one row, on the caller's statement that each row is one unit ({@link DpSgdEstimator}).
 *
 * <p><b>Labels.</b> 0 or 1 (numeric), or booleans. A row with another label is dropped by the
 * per-row rule ({@link DpSgdEstimator}): no row fails the fit, and no error names one.
 *
 * <pre>{@code
 * DPLogisticRegressionModel model = new DPLogisticRegression()
 *     .setBudget(ledger.budget())
 *     .setTargetEpsilon(1.0).setTargetDelta(1e-5)
 *     .setPrivacyUnit("person").setPrivacyUnitCol("person_id").setMaxRowsPerUnit(8)
 *     .setExpectedBatchSize(1024).setNumUnits(32_561).setEpochs(5)
 *     .fit(train);
 * model.epsilon();   // what the run cost
 * }</pre>
 *
 * <p>Not thread-safe (as Spark's estimators).
 */
public final class DPLogisticRegression
    extends DpSgdEstimator<DPLogisticRegressionModel, DPLogisticRegression>
    implements HasProbabilisticColumns {
  private static final long serialVersionUID = 1L;

  private final ProbabilisticColumns columns;
  private final DoubleParam threshold;

  /** A new estimator with a fresh uid (prefix {@code dplogreg}) and the default params. */
  public DPLogisticRegression() {
    this(Identifiable.randomUID("dplogreg"));
  }

  /** An estimator with the given uid (Spark's readers call this). */
  public DPLogisticRegression(String uid) {
    super(uid);
    columns = new ProbabilisticColumns(this);
    threshold =
        new DoubleParam(
            uid,
            "threshold",
            "predict 1 when p > threshold, in [0, 1]",
            ParamChecks.inClosed("threshold", 0, 1));
    setDefault(threshold, 0.5);
  }

  @Override
  public ProbabilisticColumns probabilisticColumns() {
    return columns;
  }

  /**
   * Decision threshold on p in [0, 1]; default 0.5.
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public DoubleParam threshold() {
    return threshold;
  }

  /**
   * Sets {@link #probabilityCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public DPLogisticRegression setProbabilityCol(String value) {
    set(probabilityCol(), value);
    return this;
  }

  /**
   * Sets {@link #rawPredictionCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public DPLogisticRegression setRawPredictionCol(String value) {
    set(rawPredictionCol(), value);
    return this;
  }

  /**
   * Sets {@link #threshold()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public DPLogisticRegression setThreshold(double value) {
    set(threshold, value);
    return this;
  }

  @Override
  StructType outputSchema(StructType schema) {
    return DPLogisticRegressionModel.output(
        schema, $(predictionCol()), $(probabilityCol()), $(rawPredictionCol()));
  }

  @Override
  DpSgd.Loss loss() {
    return DpSgd.Loss.LOGISTIC;
  }

  @Override
  LabelRule labelRule() {
    return label -> label == 0 || label == 1; // booleans arrive as 0/1
  }

  @Override
  DPLogisticRegressionModel newModel(
      String modelUid, double[] coefficients, double intercept, PrivacyRecord record) {
    return new DPLogisticRegressionModel(modelUid, coefficients, intercept, record);
  }

  @Override
  public DPLogisticRegression copy(ParamMap extra) {
    return copyTo(new DPLogisticRegression(uid()), extra);
  }

  /** Reads an estimator saved with {@code write().save(path)} (its params; no budget). */
  public static MLReader<DPLogisticRegression> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads what {@code write().save(path)} saved. */
  public static DPLogisticRegression load(String path) {
    return read().load(path);
  }

  static StructType withVector(StructType schema, String column, String param) {
    DpSgdModel.checkAbsent(schema, column, param);
    return schema.add(column, new VectorUDT(), false);
  }

  static StructType withDouble(StructType schema, String column, String param) {
    DpSgdModel.checkAbsent(schema, column, param);
    return schema.add(column, DataTypes.DoubleType, false);
  }
}
