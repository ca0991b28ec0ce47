package org.privspark.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.params.HasProbabilisticColumns;
import org.privspark.spark.ml.params.ParamChecks;
import org.privspark.spark.ml.params.ProbabilisticColumns;

/**
 * A logistic regression model trained by {@link DPLogisticRegression}. {@code transform} adds the
 * prediction (0 or 1), the probability vector [1 − p, p] and the raw prediction [−m, m], where m =
 * w·x + b and p = sigmoid(m). Using the model costs no budget (post-processing).
 */
public final class DPLogisticRegressionModel extends DpSgdModel<DPLogisticRegressionModel>
    implements HasProbabilisticColumns {
  private static final long serialVersionUID = 1L;

  private final ProbabilisticColumns columns;
  private final DoubleParam threshold;

  DPLogisticRegressionModel(
      String uid, double[] coefficients, double intercept, PrivacyRecord record) {
    super(uid, coefficients, intercept, record);
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
   * The {@code threshold} param (see its doc string for the range and default).
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
  public DPLogisticRegressionModel setProbabilityCol(String value) {
    set(probabilityCol(), value);
    return this;
  }

  /**
   * Sets {@link #rawPredictionCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public DPLogisticRegressionModel setRawPredictionCol(String value) {
    set(rawPredictionCol(), value);
    return this;
  }

  /**
   * Sets {@link #threshold()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public DPLogisticRegressionModel setThreshold(double value) {
    set(threshold, value);
    return this;
  }

  /** p = sigmoid(w·x + b) for one features vector. */
  public double probability(Vector features) {
    return DpSgd.sigmoid(margin(rawCoefficients(), intercept(), features));
  }

  /** 1 when {@link #probability} exceeds the threshold, else 0. */
  public double predict(Vector features) {
    return probability(features) > (Double) $(threshold) ? 1.0 : 0.0;
  }

  static StructType output(StructType schema, String prediction, String probability, String raw) {
    StructType s = DPLogisticRegression.withVector(schema, raw, "rawPredictionCol");
    s = DPLogisticRegression.withVector(s, probability, "probabilityCol");
    return DPLogisticRegression.withDouble(s, prediction, "predictionCol");
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkInput(schema);
    return output(schema, $(predictionCol()), $(probabilityCol()), $(rawPredictionCol()));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    double[] w = rawCoefficients();
    double b = intercept();
    double t = (Double) $(threshold);
    UserDefinedFunction raw =
        udf(
            (UDF1<Vector, Vector>)
                x -> {
                  double m = margin(w, b, x);
                  return Vectors.dense(-m, m);
                },
            new VectorUDT());
    UserDefinedFunction prob =
        udf(
            (UDF1<Vector, Vector>)
                x -> {
                  double p = DpSgd.sigmoid(margin(w, b, x));
                  return Vectors.dense(1 - p, p);
                },
            new VectorUDT());
    UserDefinedFunction pred =
        udf(
            (UDF1<Vector, Double>) x -> DpSgd.sigmoid(margin(w, b, x)) > t ? 1.0 : 0.0,
            DataTypes.DoubleType);
    String f = $(featuresCol());
    return dataset
        .withColumn($(rawPredictionCol()), raw.apply(col(f)))
        .withColumn($(probabilityCol()), prob.apply(col(f)))
        .withColumn($(predictionCol()), pred.apply(col(f)));
  }

  @Override
  public DPLogisticRegressionModel copy(ParamMap extra) {
    DPLogisticRegressionModel copy =
        new DPLogisticRegressionModel(uid(), rawCoefficients(), intercept(), privacyRecord());
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<DPLogisticRegressionModel> read() {
    return new Reader<>(DPLogisticRegressionModel.class.getName(), DPLogisticRegressionModel::new);
  }

  /** Loads what {@code write().save(path)} saved. */
  public static DPLogisticRegressionModel load(String path) {
    return read().load(path);
  }
}
