package org.privspark.core.mechanism;

import org.apache.commons.math3.special.Erf;
import org.privspark.core.Check;
import org.privspark.core.noise.DiscreteGaussianSampler;

/**
 * Discrete Gaussian noise N_Z(0, σ²) with σ² = {@code sigmaSquared} grid units, released as a
 * multiple of the grid spacing g.
 *
 * @param sigmaSquared σ² in grid units (an integer), &ge; 1
 * @param granularity the grid spacing g, a power of two
 */
public record DiscreteGaussianNoise(long sigmaSquared, double granularity) implements AddedNoise {
  public DiscreteGaussianNoise {
    Check.atLeastOne("sigmaSquared", sigmaSquared);
    Check.positiveFinite("granularity", granularity);
  }

  /**
   * √Var(N_Z(0, σ²))·g; the variance is computed by {@link
   * DiscreteGaussianSampler#variance(double)}.
   */
  @Override
  public double standardDeviation() {
    return Math.sqrt(DiscreteGaussianSampler.variance((double) sigmaSquared)) * granularity;
  }

  /**
   * (z·σ + 2)·g with z the standard normal quantile at (1 + level)/2. For the σ the mechanisms use
   * (at least 2^20 grid units) the discrete Gaussian's tails match the continuous one's to within
   * O(1/σ) in probability; the two extra units cover that and the input's rounding to the grid.
   */
  @Override
  public double halfWidth(double level) {
    Check.inOpen("level", level, 0.0, 1.0);
    double z = Math.sqrt(2) * Erf.erfInv(level);
    return (z * Math.sqrt((double) sigmaSquared) * (1 + 1e-12) + 2) * granularity;
  }
}
