package org.privspark.spark.ml.params;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;

/**
 * What the DP-SGD models and the wrappers' models share: a uid, and the features and prediction
 * columns ({@code featuresCol}, default "features"; {@code predictionCol}, default "prediction"),
 * each validated when set.
 *
 * @param <M> the model type
 */
public abstract class VectorModel<M extends VectorModel<M>> extends Model<M> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;

  protected VectorModel(String uid) {
    this.uid = uid;
    featuresCol =
        new Param<>(
            uid,
            "featuresCol",
            "features column name (vectors)",
            ParamChecks.columnName("featuresCol"));
    predictionCol =
        new Param<>(
            uid,
            "predictionCol",
            "prediction column name",
            ParamChecks.columnName("predictionCol"));
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * Features column (vectors); default "features".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> featuresCol() {
    return featuresCol;
  }

  /**
   * Prediction column; default "prediction".
   *
   * @return the param, for param maps and {@code getOrDefault}
   */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  @SuppressWarnings("unchecked")
  protected final M self() {
    return (M) this;
  }

  /**
   * Sets {@link #featuresCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public M setFeaturesCol(String value) {
    set(featuresCol, value);
    return self();
  }

  /**
   * Sets {@link #predictionCol()}; the value is validated at once.
   *
   * @param value the new value
   * @return this stage, for chaining
   */
  public M setPredictionCol(String value) {
    set(predictionCol, value);
    return self();
  }
}
