package org.privspark.core.mechanism;

import org.privspark.core.Check;

/**
 * Values clamped to public bounds [lower, upper] and centred on their midpoint m, with the exact
 * bound of a centred value as floating point computes it: the basis of the midpoint trick, whose
 * sensitivity depends on the width of the bounds, not their magnitude.
 *
 * <p><b>Why a bound of its own.</b> When the true midpoint is not a double, m is rounded, and a
 * clamped value minus m can exceed half the width: with bounds [2^53, 2^53 + 2], m = 2^53 and a
 * value at the upper bound contributes 2.0, not 1.0 (its square 4.0, not 1.0). So the sensitivity
 * must come from the contributions' actual range, {@link #bound()}.
 *
 * <p><b>Proof.</b> A contribution is fl(x − m) for x = clamp(v) in [lower, upper]. Rounding to
 * nearest is monotone, so fl(lower − m) ≤ fl(x − m) ≤ fl(upper − m), and fl(lower − m) = −fl(m −
 * lower) (rounding is symmetric). Hence |fl(x − m)| ≤ max(fl(upper − m), fl(m − lower)) = {@link
 * #bound()}, and, squaring being monotone in |c| and rounding monotone, fl(c·c) ≤ fl(bound·bound) =
 * {@link #squareBound()}.
 *
 * @param lower the lower clamping bound, finite
 * @param upper the upper clamping bound, finite and &gt; lower
 * @param midpoint m = lower + (upper − lower)/2, as computed here (and by {@link #centered})
 * @param bound the largest |fl(clamp(v) − m)| over all v
 */
public record Centering(double lower, double upper, double midpoint, double bound)
    implements java.io.Serializable {
  public Centering {
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
      throw new IllegalArgumentException(
          "bounds must be finite with lower < upper; got [" + lower + ", " + upper + "]");
    }
    Check.positiveFinite("bound", bound);
  }

  /**
   * The centring of [lower, upper].
   *
   * @throws IllegalArgumentException if the bounds are not finite with lower &lt; upper, or their
   *     width overflows a double
   */
  public static Centering of(double lower, double upper) {
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
      throw new IllegalArgumentException(
          "bounds must be finite with lower < upper; got [" + lower + ", " + upper + "]");
    }
    double width = upper - lower;
    if (!Double.isFinite(width)) {
      throw new IllegalArgumentException(
          "upper - lower must be finite; got ["
              + lower
              + ", "
              + upper
              + "], whose width overflows a double");
    }
    double m = lower + width / 2;
    return new Centering(lower, upper, m, Math.max(upper - m, m - lower));
  }

  /** fl(clamp(v) − m): what one value contributes to a centred sum. NaN stays NaN. */
  public double centered(double v) {
    return Math.max(lower, Math.min(upper, v)) - midpoint;
  }

  /** A bound of every fl(c·c) for a contribution c: fl(bound·bound). */
  public double squareBound() {
    return bound * bound;
  }
}
