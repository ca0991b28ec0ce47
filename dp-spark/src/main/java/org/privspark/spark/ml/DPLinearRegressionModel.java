package org.privspark.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A linear regression model trained by {@link DPLinearRegression}; {@code transform} adds the
 * prediction w·x + b. Using the model costs no budget (post-processing).
 */
public final class DPLinearRegressionModel extends DpSgdModel<DPLinearRegressionModel> {
  private static final long serialVersionUID = 1L;

  DPLinearRegressionModel(
      String uid, double[] coefficients, double intercept, PrivacyRecord record) {
    super(uid, coefficients, intercept, record);
  }

  /** w·x + b for one features vector. */
  public double predict(Vector features) {
    return margin(rawCoefficients(), intercept(), features);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkInput(schema);
    return DPLogisticRegression.withDouble(schema, $(predictionCol()), "predictionCol");
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    double[] w = rawCoefficients();
    double b = intercept();
    return dataset.withColumn(
        $(predictionCol()),
        udf((UDF1<Vector, Double>) x -> margin(w, b, x), DataTypes.DoubleType)
            .apply(col($(featuresCol()))));
  }

  @Override
  public DPLinearRegressionModel copy(ParamMap extra) {
    DPLinearRegressionModel copy =
        new DPLinearRegressionModel(uid(), rawCoefficients(), intercept(), privacyRecord());
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<DPLinearRegressionModel> read() {
    return new Reader<>(DPLinearRegressionModel.class.getName(), DPLinearRegressionModel::new);
  }

  /** Loads what {@code write().save(path)} saved. */
  public static DPLinearRegressionModel load(String path) {
    return read().load(path);
  }
}
