/**
 * Differentially private wrappers of MLlib training at the level of the privacy unit: Spark ML
 * {@link org.apache.spark.ml.Estimator}s that add noise to sufficient statistics (or to the output
 * of a strongly convex fit), whose models hold and transform like MLlib's own.
 *
 * <ul>
 *   <li>{@link org.privspark.spark.ml.wrappers.NoisyCountNaiveBayes}: noisy class counts and
 *       feature sums, pure ε-DP (Laplace) → {@code NaiveBayesModel};
 *   <li>{@link org.privspark.spark.ml.wrappers.NoisyLloydKMeans}: noisy Lloyd iterations, (ε, δ)-DP
 *       (Gaussian) → {@code KMeansModel};
 *   <li>{@link org.privspark.spark.ml.wrappers.SufficientStatisticsLinearRegression}: noisy X̃ᵀX̃
 *       and X̃ᵀy, (ε, δ)-DP (Gaussian) → {@code LinearRegressionModel};
 *   <li>{@link org.privspark.spark.ml.wrappers.OutputPerturbationLogisticRegression}: output
 *       perturbation, (ε, δ)-DP (Gaussian) → {@code LogisticRegressionModel}.
 * </ul>
 *
 * <p><b>Common contract</b> ({@link org.privspark.spark.ml.wrappers.UnitLevelEstimator}). The
 * privacy unit is declared with {@code privacyUnit} and either {@code privacyUnitCol} (each unit
 * keeps at most k = {@code maxRowsPerUnit} rows, chosen at random per fit, and the sensitivity is
 * scaled by k) or {@code rowIsUnit} (the caller states each row is one unit). {@code fit} validates
 * the params and schema, checks the unit claim against the budget, charges the plan's event once,
 * and only then reads data. Every noise draw and every choice of rows comes from the fit's {@link
 * org.privspark.core.noise.ReleaseKey}. Every bound (feature norms, boxes, label ranges,
 * dimensions, classes, k, iterations, regularisation) is public and must be chosen without looking
 * at the data; so must the feature encoding. See {@code docs/ML-WRAPPERS.md}.
 *
 * <p>The estimators and models are {@link java.io.Serializable} for Spark; their Java serialized
 * form is no public contract (they persist with {@code write().save} and {@code load}), so it is
 * not documented.
 *
 * @serial exclude
 */
package org.privspark.spark.ml.wrappers;
