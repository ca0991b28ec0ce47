package org.privspark.core.mechanism;

import org.privspark.core.Check;
import org.privspark.core.noise.DiscreteLaplaceSampler;

/**
 * Discrete Laplace noise with integer scale t on a grid of spacing g: P(Y = y) ∝ e^{−|y|/t},
 * released as a multiple of g.
 *
 * @param scale the integer scale t in grid units, &ge; 1
 * @param granularity the grid spacing g, a power of two
 */
public record DiscreteLaplaceNoise(long scale, double granularity) implements AddedNoise {
  public DiscreteLaplaceNoise {
    Check.atLeastOne("scale", scale);
    Check.positiveFinite("granularity", granularity);
  }

  /** √(2e^{−1/t}/(1 − e^{−1/t})²)·g, the exact standard deviation. */
  @Override
  public double standardDeviation() {
    return Math.sqrt(DiscreteLaplaceSampler.variance(scale)) * granularity;
  }

  /**
   * (m + 1)·g with m the exact discrete Laplace quantile: P(|Y| &gt; m) ≤ 1 − level (see {@link
   * DiscreteLaplaceSampler#quantile}); the extra g covers the input's rounding to the grid.
   */
  @Override
  public double halfWidth(double level) {
    long m = DiscreteLaplaceSampler.withScale(scale).quantile(level);
    return ((double) m + 1) * granularity;
  }
}
