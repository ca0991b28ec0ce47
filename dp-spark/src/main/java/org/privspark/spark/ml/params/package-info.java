/**
 * The Spark ML params PrivSpark's estimators and models share: the privacy-unit params ({@link
 * org.privspark.spark.ml.params.PrivacyUnitParams}, {@link
 * org.privspark.spark.ml.params.HasPrivacyUnit}), validators that name the param and its allowed
 * range ({@link org.privspark.spark.ml.params.ParamChecks}), and the features and prediction
 * columns of every model ({@link org.privspark.spark.ml.params.VectorModel}).
 *
 * <p>Params are {@link java.io.Serializable} for Spark; their Java serialized form is no public
 * contract, so it is not documented.
 *
 * @serial exclude
 */
package org.privspark.spark.ml.params;
