package org.privspark.core.mechanism;

import org.privspark.core.Check;

/**
 * An interval that contains the exact (un-noised, un-rounded) value with probability at least
 * {@code level}, over the mechanism's noise.
 *
 * @param lower the lower end
 * @param upper the upper end, &ge; lower
 * @param level the coverage probability, in (0, 1)
 */
public record ConfidenceInterval(double lower, double upper, double level) {
  public ConfidenceInterval {
    Check.inOpen("level", level, 0.0, 1.0);
    if (!(lower <= upper)) {
      throw new IllegalArgumentException("lower must be <= upper; got " + lower + " and " + upper);
    }
  }

  /** Whether {@code value} lies in [lower, upper]. */
  public boolean contains(double value) {
    return lower <= value && value <= upper;
  }

  /**
   * The interval around a released value: the noise's half-width, plus the final rounding of the
   * exact (k + Y)·g to a double, rounded outward and kept finite.
   *
   * <p>Below 2^53·g in magnitude a release is exact. Above, it is the nearest double to the exact
   * (k + Y)·g, at most half an ulp away, or it was clamped to the largest finite multiple of g
   * because the exact value lies beyond {@code Double.MAX_VALUE}; one ulp of widening covers the
   * first case, and in the second the exact input (always finite) lies above the released value
   * minus the half-width. So both ends can be clamped to ±{@code Double.MAX_VALUE}.
   */
  static ConfidenceInterval around(
      double released, double halfWidth, double level, double granularity) {
    double width = halfWidth;
    if (Math.abs(released) >= 0x1p53 * granularity) {
      width = Math.nextUp(halfWidth + Math.ulp(released));
    }
    // Outward rounding: the double subtraction and addition must never shrink the interval.
    double lower = Math.max(-Double.MAX_VALUE, Math.nextDown(released - width));
    double upper = Math.min(Double.MAX_VALUE, Math.nextUp(released + width));
    return new ConfidenceInterval(lower, upper, level);
  }
}
