package org.privspark.spark.ml.wrappers;

import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.Secret;

/**
 * The parameters every wrapper's builder collects — ε, the public feature dimension, the features
 * column, the budget and an optional release secret — and the checks they share. Each wrapper's
 * {@code Builder} extends this (or {@link LabelledWrapperBuilder}), adds its own parameters and
 * validates everything in its {@code build()}, in the order its messages are documented.
 * Package-private: its public setters appear on each wrapper's {@code Builder}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class WrapperBuilder<B extends WrapperBuilder<B>> {
  Double epsilon;
  Integer numFeatures;
  String featuresCol = "features";
  PrivacyBudget budget;
  Secret secret;

  WrapperBuilder() {}

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  /**
   * ε, finite and &gt; 0, for the whole fit (the wrapper's class comment says how it is spent).
   * Required.
   */
  public B epsilon(double epsilon) {
    this.epsilon = epsilon;
    return self();
  }

  /**
   * The public feature dimension d, in [1, 4096] ([1, 1000] for the regressions, whose statistics
   * grow as d²). Required.
   */
  public B numFeatures(int numFeatures) {
    this.numFeatures = numFeatures;
    return self();
  }

  /** The features column, of ML vectors (default "features"). */
  public B featuresCol(String featuresCol) {
    this.featuresCol = featuresCol;
    return self();
  }

  /** The budget each fit is charged to. Required. */
  public B budget(PrivacyBudget budget) {
    this.budget = budget;
    return self();
  }

  /**
   * A release secret: the noise (and any random initialisation) becomes a function of it
   * (identical when the same fit is re-run from the same secret). Optional; without one, each fit
   * draws fresh {@code SecureRandom} randomness. A secret keys one fit: the fit's spend records
   * the secret's {@link Secret#releaseId() release id}, and the budget (or its ledger) refuses any
   * later fit keyed by the same secret, by this wrapper or another, before charging, since it
   * would reuse the same noise.
   */
  public B releaseSecret(Secret secret) {
    this.secret = Check.notNull("releaseSecret", secret);
    return self();
  }

  /**
   * {@code value}, or {@link IllegalArgumentException} "{@code name} must be set; got nothing"
   * when a required parameter was never given.
   */
  static <T> T required(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must be set; got nothing");
    }
    return value;
  }

  /** Requires ε: set, finite and &gt; 0. */
  final void checkEpsilon() {
    WrapperSupport.checkEpsilon(required("epsilon", epsilon));
  }

  /** Requires the δ of a Gaussian wrapper: set and in (0, 1). */
  static void checkGaussianDelta(Double delta) {
    WrapperSupport.checkGaussianDelta(required("delta", delta));
  }

  /** Requires numFeatures: set and in [1, {@value WrapperSupport#MAX_FEATURES}]. */
  final void checkNumFeatures() {
    WrapperSupport.checkNumFeatures(required("numFeatures", numFeatures));
  }

  /** The last checks of every {@code build()}: the column names, then the budget, non-null. */
  void checkColumnsAndBudget() {
    Check.notNull("featuresCol", featuresCol);
    Check.notNull("budget", budget);
  }
}
