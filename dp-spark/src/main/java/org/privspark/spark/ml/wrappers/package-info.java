/**
 * Differentially private wrappers of MLlib training: noise on sufficient statistics (or on the
 * output of a strongly convex fit), returning MLlib's own model classes.
 *
 * <ul>
 *   <li>{@link org.privspark.spark.ml.wrappers.PrivateNaiveBayes}: noisy class counts and feature
 *       sums, pure ε-DP (Laplace) → {@code NaiveBayesModel};
 *   <li>{@link org.privspark.spark.ml.wrappers.PrivateKMeans}: noisy Lloyd iterations, (ε,
 *       δ)-DP (Gaussian) → {@code KMeansModel};
 *   <li>{@link org.privspark.spark.ml.wrappers.PrivateLinearRegression}: noisy X̃ᵀX̃ and X̃ᵀy,
 *       (ε, δ)-DP (Gaussian) → {@code LinearRegressionModel};
 *   <li>{@link org.privspark.spark.ml.wrappers.PrivateLogisticRegression}: output perturbation,
 *       (ε, δ)-DP (Gaussian) → {@code LogisticRegressionModel}.
 * </ul>
 *
 * <p><b>Common contract.</b> The privacy unit is one row; neighbouring data sets differ by adding
 * or removing one row. Parameters are validated in {@code build()}; {@code fit} validates the
 * schema, then charges the wrapper's {@code cost()} to its {@link
 * org.privspark.core.accounting.PrivacyBudget} exactly once, and only then reads data. A failed
 * validation spends nothing; a refused spend throws {@link
 * org.privspark.core.accounting.BudgetExhaustedException} and reads nothing. Every noise draw
 * comes from dp-core's mechanisms ({@code LaplaceMechanism}, {@code GaussianMechanism}) with a
 * {@code SecureRandomSource}, or a {@code KeyedStreamSource} when a release secret is given.
 * Every bound (feature norms, boxes, label ranges, dimensions, classes, k, iterations,
 * regularisation) is public and must be chosen without looking at the data; so must the feature
 * encoding: fitting a {@code StringIndexer}, {@code OneHotEncoder} or {@code StandardScaler} on the
 * private data leaks it. See {@code docs/ML-WRAPPERS.md}.
 */
package org.privspark.spark.ml.wrappers;
