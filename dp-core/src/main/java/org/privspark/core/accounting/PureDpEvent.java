package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * Any ε-DP mechanism.
 *
 * <p>RDP: the tight bound for ε-DP, attained by randomized response with parameter ε (the
 * worst case among ε-DP pairs; Bun &amp; Steinke 2016, proof of Prop. 3.3; Mironov 2017, Prop. 3):
 * ε(α) = log((e^{αε} + e^{(1−α)ε}) / (1 + e^ε)) / (α − 1), which never exceeds min(ε, αε²/2).
 *
 * @param epsilon ε &gt; 0
 */
public record PureDpEvent(double epsilon) implements PrivacyEvent {
  public PureDpEvent {
    Check.positiveFinite("epsilon", epsilon);
  }

  @Override
  public double rdp(double order) {
    return randomizedResponseRdp(epsilon, order);
  }

  @Override
  public double pureEpsilon() {
    return epsilon;
  }

  /**
   * D_α between the two output distributions of ε-randomized response. Multiplying numerator and
   * denominator by e^{−ε/2} gives (log cosh((α−½)ε) − log cosh(ε/2)) / (α−1), which keeps full
   * relative precision for small ε (the textbook form cancels almost to nothing there).
   */
  static double randomizedResponseRdp(double epsilon, double order) {
    double value = (logCosh((order - 0.5) * epsilon) - logCosh(epsilon / 2)) / (order - 1);
    // Guard the last ulp: the bound can never exceed ε itself.
    return Math.min(Math.max(value, 0), epsilon);
  }

  /** log cosh x: log1p(2 sinh²(x/2)) near zero, |x| + log1p(e^{−2|x|}) − log 2 elsewhere. */
  private static double logCosh(double x) {
    double ax = Math.abs(x);
    if (ax < 1) {
      double s = StrictMath.sinh(ax / 2);
      return StrictMath.log1p(2 * s * s);
    }
    return ax + StrictMath.log1p(StrictMath.exp(-2 * ax)) - StrictMath.log(2);
  }
}
