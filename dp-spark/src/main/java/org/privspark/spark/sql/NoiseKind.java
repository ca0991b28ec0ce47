package org.privspark.spark.sql;

/** The noise a private aggregation adds to its statistics. */
public enum NoiseKind {
  /** Discrete Laplace on a power-of-two grid: pure ε-DP per statistic, L1 sensitivity. */
  LAPLACE,
  /** Discrete Gaussian on a power-of-two grid: RDP/zCDP, L2 sensitivity; needs δ &gt; 0. */
  GAUSSIAN
}
