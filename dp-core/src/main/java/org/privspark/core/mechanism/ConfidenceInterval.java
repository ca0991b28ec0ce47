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
      throw new IllegalArgumentException(
          "lower must be <= upper; got " + lower + " and " + upper);
    }
  }

  /** Whether {@code value} lies in [lower, upper]. */
  public boolean contains(double value) {
    return lower <= value && value <= upper;
  }

  static ConfidenceInterval around(double centre, double halfWidth, double level) {
    // Outward rounding: the double subtraction and addition must never shrink the interval.
    return new ConfidenceInterval(
        Math.nextDown(centre - halfWidth), Math.nextUp(centre + halfWidth), level);
  }
}
