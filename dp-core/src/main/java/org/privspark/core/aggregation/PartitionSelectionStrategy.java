package org.privspark.core.aggregation;

/**
 * How a query with private groups decides which groups to release (names as in PipelineDP).
 *
 * <p>All three keep a group only with a probability that grows with its number of distinct privacy
 * units, so that a group one unit creates appears with probability at most δ.
 */
public enum PartitionSelectionStrategy {
  /**
   * The optimal selection for (ε, δ)-DP (Desfontaines et al., PoPETs 2022): each group is kept with
   * the largest probability that ε/L0 and δ/L0 allow. Best when units touch few groups (small L0).
   * The default with Laplace noise.
   */
  TRUNCATED_GEOMETRIC,
  /** A noisy count of units (discrete Laplace) against a threshold. */
  LAPLACE_THRESHOLDING,
  /**
   * A noisy count of units (discrete Gaussian) against a threshold; composes with Gaussian
   * statistics through the RDP accountant and scales better with large L0. The default with
   * Gaussian noise.
   */
  GAUSSIAN_THRESHOLDING
}
