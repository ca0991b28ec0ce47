package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * Any ε-DP mechanism.
 *
 * <p>RDP: the tight bound for ε-DP, attained by randomized response with parameter ε (the worst
 * case among ε-DP pairs; Bun &amp; Steinke 2016, proof of Prop. 3.3; Mironov 2017, Prop. 3): ε(α) =
 * log((e^{αε} + e^{(1−α)ε}) / (1 + e^ε)) / (α − 1), which never exceeds min(ε, αε²/2).
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
   * D_α between the two output distributions of ε-randomized response, rounded up. Multiplying
   * numerator and denominator by e^{−ε/2} gives (log cosh((α−½)ε) − log cosh(ε/2)) / (α−1), which
   * keeps full relative precision for small ε (the textbook form cancels almost to nothing there).
   *
   * <p>Each computed log cosh is within a relative 12·2^-52 of the exact value at the exact
   * argument: the argument's rounding (2^-53 relative, weighted by x·tanh x / log cosh x ≤ 2), then
   * below 1 sinh and s² and log1p (each within an ulp, log1p's condition number at most 1); from 1
   * on, two additions and a log1p next to a result that is at least 0.307 of the largest term (x ≥
   * 1 against log 2). So (A + B)·2^-45, far more than 12·2^-52·(A + B), is added to the difference
   * A − B, every step rounding up. The result never exceeds ε, which bounds D_α of any ε-DP pair
   * exactly.
   */
  static double randomizedResponseRdp(double epsilon, double order) {
    double a = logCosh((order - 0.5) * epsilon);
    double b = logCosh(epsilon / 2);
    double error = Directed.multiplyUp(RdpCurve.addRoundingUp(a, b), 0x1p-45);
    double value =
        Directed.divideUp(RdpCurve.addRoundingUp(RdpCurve.addRoundingUp(a, -b), error), order - 1);
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
