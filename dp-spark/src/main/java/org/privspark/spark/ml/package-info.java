/**
 * Differentially private training on Spark ML at the level of the privacy unit.
 *
 * <ul>
 *   <li>{@link org.privspark.spark.ml.DPLogisticRegression} and {@link
 *       org.privspark.spark.ml.DPLinearRegression}: DP-SGD (Abadi et al. 2016) on Poisson-sampled
 *       units, each unit's gradient clipped and Gaussian noise added per step; their models are
 *       {@link org.privspark.spark.ml.DPLogisticRegressionModel} and {@link
 *       org.privspark.spark.ml.DPLinearRegressionModel}.
 *   <li>{@link org.privspark.spark.ml.DpSgdPlan}: what a run will do and cost, from the params
 *       alone, before any data is read.
 *   <li>{@link org.privspark.spark.ml.PrivacyRecord}: what training cost and whom it protects,
 *       saved with the model.
 * </ul>
 *
 * <p>A fit validates its params and schema, charges its budget once, and only then reads data; a
 * failure after the charge is a {@link org.privspark.spark.ml.FailedAfterChargeException}. The
 * wrappers of MLlib's own trainers are in {@code org.privspark.spark.ml.wrappers}. See {@code
 * docs/ML.md}.
 *
 * <p>The estimators and models are {@link java.io.Serializable} because Spark ships them to
 * executors; their Java serialized form is no public contract (they persist with {@code
 * write().save} and {@code load}), so it is not documented.
 *
 * @serial exclude
 */
package org.privspark.spark.ml;
