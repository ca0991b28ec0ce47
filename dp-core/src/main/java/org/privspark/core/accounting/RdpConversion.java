package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * Conversion of an RDP curve (plus additive δ and optional pure ε) to (ε, δ)-DP.
 *
 * <p>ε for a target δ uses the improved conversion of Canonne, Kamath &amp; Steinke 2020 ("The
 * Discrete Gaussian for Differential Privacy", Prop. 12; equivalently Balle et al. 2020,
 * "Hypothesis testing interpretations and Rényi DP", Thm. 21): at each order α, ε = ε(α) +
 * log((α−1)/α) − (log δ + log α)/(α−1), minimised over the grid.
 *
 * <p>δ for a target ε uses the same proposition solved for δ, log δ = (α−1)(ε(α) − ε + log(1 −
 * 1/α)) − log α, together with the total-variation bound δ ≤ √(1 − e^{−ε(α)}) (KL ≤ D_α and
 * Bretagnolle–Huber), minimised over the grid.
 *
 * <p>Both directions also use the total-variation bound: if δ ≥ √(1 − e^{−ε(α)}) then ε = 0.
 *
 * <p>An additive δ (from (ε, δ)-only mechanisms) is taken off the target δ before the curve is
 * used, and added back to the reported δ. When every composed event has a pure-DP bound, the pure
 * composition (Σε, additive δ) is also a valid answer and the better of the two is returned.
 *
 * <p><b>Rounding.</b> Every reported ε and δ is an upper bound on the exact value of the formula at
 * the curve it is given: the δ left for the curve is rounded down, log δ and log α are taken from
 * below and log(1 − 1/α) from above (each {@link StrictMath} result is within an ulp, and moves two
 * ulps), and every sum, product and quotient rounds up ({@link Directed}). The same holds for δ at
 * ε, with the sides swapped where a term enters with a minus sign.
 */
public final class RdpConversion {
  private RdpConversion() {}

  /** The smallest ε the curve certifies at total δ {@code delta} in [0, 1). */
  public static PrivacyGuarantee epsilon(
      RdpCurve curve, double additiveDelta, double pureEpsilon, double delta) {
    Check.notNull("curve", curve);
    Check.inHalfOpen("delta", delta, 0.0, 1.0);
    double bestEpsilon = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    int bestIndex = -1;
    double rdpDelta = Directed.subtractDown(delta, additiveDelta);
    if (rdpDelta > 0) {
      double logDelta = Directed.below(StrictMath.log(rdpDelta));
      // Total variation ≤ √(1 − e^{−ε(α)}) (the bound delta() uses), so ε(α) ≤ −log(1 − δ²)
      // certifies ε = 0. The threshold is shrunk by a relative 1e-12 so that rounding never
      // certifies it wrongly.
      double zeroThreshold = -StrictMath.log1p(-rdpDelta * rdpDelta) * (1 - 1e-12);
      OrderGrid grid = curve.grid();
      for (int i = 0; i < grid.size(); i++) {
        double a = grid.order(i);
        double r = curve.value(i);
        if (!Double.isFinite(r)) {
          continue;
        }
        double eps = r <= zeroThreshold ? 0 : epsilonAtOrder(r, grid, i, logDelta);
        if (eps < bestEpsilon) {
          bestEpsilon = eps;
          bestOrder = a;
          bestIndex = i;
        }
      }
    }
    if (additiveDelta <= delta && pureEpsilon < Math.max(bestEpsilon, 0)) {
      return new PrivacyGuarantee(pureEpsilon, delta, Double.POSITIVE_INFINITY, false);
    }
    if (bestIndex < 0) {
      return new PrivacyGuarantee(Double.POSITIVE_INFINITY, delta, Double.NaN, false);
    }
    boolean edge =
        curve.grid().size() > 1 && (bestIndex == 0 || bestIndex == curve.grid().size() - 1);
    return new PrivacyGuarantee(Math.max(bestEpsilon, 0), delta, bestOrder, edge);
  }

  /**
   * ε(α) + log(1 − 1/α) − (log δ + log α)/(α − 1), rounded up; {@code logDelta} is already a lower
   * bound on log δ. α − 1 is exact (orders are below 2^52).
   */
  private static double epsilonAtOrder(double r, OrderGrid grid, int i, double logDelta) {
    // −log δ − log α from above: both logs are lower bounds.
    double minusLogs = RdpCurve.addRoundingUp(-logDelta, -grid.logOrderBelow(i));
    double tail = Directed.divideUp(minusLogs, grid.order(i) - 1);
    return RdpCurve.addRoundingUp(RdpCurve.addRoundingUp(r, grid.logOneMinusInverseAbove(i)), tail);
  }

  /** The smallest total δ the curve certifies at ε {@code epsilon} &ge; 0. */
  public static PrivacyGuarantee delta(
      RdpCurve curve, double additiveDelta, double pureEpsilon, double epsilon) {
    Check.notNull("curve", curve);
    Check.nonNegativeFinite("epsilon", epsilon);
    double bestLogDelta = 0; // δ = 1: no guarantee at all
    double bestOrder = Double.NaN;
    int bestIndex = -1;
    OrderGrid grid = curve.grid();
    for (int i = 0; i < grid.size(); i++) {
      double a = grid.order(i);
      double r = curve.value(i);
      if (!Double.isFinite(r)) {
        continue;
      }
      // Both bounds on log δ rounded up: √(1 − e^{−ε(α)}), and the proposition solved for δ.
      double logDelta =
          r == 0
              ? Double.NEGATIVE_INFINITY
              : 0.5 * Directed.above(StrictMath.log(Directed.above(-StrictMath.expm1(-r))));
      double inner =
          RdpCurve.addRoundingUp(
              RdpCurve.addRoundingUp(r, -epsilon), grid.logOneMinusInverseAbove(i));
      logDelta =
          Math.min(
              logDelta,
              RdpCurve.addRoundingUp(Directed.multiplyUp(a - 1, inner), -grid.logOrderBelow(i)));
      if (logDelta < bestLogDelta) {
        bestLogDelta = logDelta;
        bestOrder = a;
        bestIndex = i;
      }
    }
    if (pureEpsilon <= epsilon) {
      return new PrivacyGuarantee(
          epsilon, Math.min(1, additiveDelta), Double.POSITIVE_INFINITY, false);
    }
    double curveDelta =
        bestLogDelta == Double.NEGATIVE_INFINITY ? 0 : Directed.above(StrictMath.exp(bestLogDelta));
    double total = Math.min(1, RdpCurve.addRoundingUp(curveDelta, additiveDelta));
    boolean edge =
        grid.size() > 1 && bestIndex >= 0 && (bestIndex == 0 || bestIndex == grid.size() - 1);
    return new PrivacyGuarantee(epsilon, total, bestOrder, edge);
  }
}
