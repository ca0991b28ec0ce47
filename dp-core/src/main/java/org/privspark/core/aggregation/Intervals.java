package org.privspark.core.aggregation;

import org.privspark.core.mechanism.ConfidenceInterval;
import org.privspark.core.mechanism.NoisyValue;

/** Small arithmetic shared by the estimators: intervals of measured values, and finite results. */
final class Intervals {
  private Intervals() {}

  /** The measured value's interval at {@code level}, as {low, high}. */
  static double[] of(NoisyValue v, double level) {
    ConfidenceInterval ci = v.confidenceInterval(level);
    return new double[] {ci.lower(), ci.upper()};
  }

  /**
   * The level of each of {@code parts} intervals whose union bound gives {@code level}: each misses
   * with probability (1 − level)/parts, so all hold together with probability ≥ level.
   */
  static double each(double level, int parts) {
    return 1 - (1 - level) / parts;
  }

  /** v clamped to [lo, hi]. */
  static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** v within ±Double.MAX_VALUE: a sum of huge terms stays a double, never an infinity. */
  static double finite(double v) {
    return clamp(v, -Double.MAX_VALUE, Double.MAX_VALUE);
  }

  /** log w for the half-width w = upper/2 − lower/2, computed so that it cannot overflow. */
  static double logHalfWidth(double lower, double upper) {
    return Math.log(upper / 2 - lower / 2);
  }

  static final double LOG_3 = Math.log(3);

  static double sq(double v) {
    return v * v;
  }
}
