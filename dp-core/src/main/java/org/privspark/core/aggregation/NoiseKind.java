package org.privspark.core.aggregation;

/** The noise a private aggregation adds to its measurements. */
public enum NoiseKind {
  /** Discrete Laplace on a power-of-two grid: pure ε-DP per measurement, L1 sensitivity L0·c. */
  LAPLACE,
  /** Discrete Gaussian on a power-of-two grid: RDP/zCDP, L2 sensitivity √L0·c; needs δ &gt; 0. */
  GAUSSIAN,
  /**
   * Whichever of the two the planner predicts to give the smaller error for the statistics asked
   * for, at the same ε and δ ({@link AggregationPlanner}); Laplace when δ is 0. Gaussian noise wins
   * when units touch many groups (large L0: its sensitivity grows as √L0, Laplace's as L0) or when
   * many measurements share the budget.
   */
  AUTO
}
