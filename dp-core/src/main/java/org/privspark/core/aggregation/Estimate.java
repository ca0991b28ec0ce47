package org.privspark.core.aggregation;

/**
 * A statistic derived from noisy measurements: its value, the standard deviation of its noise, and
 * an interval that covers the exact bounded value with probability at least the level it was
 * computed for (95% in releases).
 *
 * @param value the estimate
 * @param noiseStd the standard deviation of its noise, in the statistic's units (first order, for
 *     ratios)
 * @param low the interval's lower end
 * @param high the interval's upper end
 */
public record Estimate(double value, double noiseStd, double low, double high) {

  /** Half the interval's width. */
  public double halfWidth() {
    return (high - low) / 2;
  }
}
