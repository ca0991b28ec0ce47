package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The Laplace mechanism: Laplace(b) noise on a query of L1 sensitivity Δ; pure (Δ/b)-DP.
 *
 * <p>RDP (Mironov 2017, Prop. 6), with λ = b/Δ: ε(α) = log(α/(2α−1)·e^{(α−1)/λ} +
 * (α−1)/(2α−1)·e^{−α/λ}) / (α−1), evaluated as 1/λ + log((α + (α−1)e^{−(2α−1)/λ}) / (2α−1)) / (α−1)
 * so that nothing overflows.
 *
 * <p><b>Rounding up.</b> 1/λ = Δ/b is rounded up (the curve grows with it). The logarithm's
 * argument lies in (½, 1] and is computed with a relative error below 6·2^-53 (five roundings, and
 * exp's argument error weighted by (α−1)e^{−(2α−1)/λ}/α·(2α−1)/λ ≤ 1/e); the log adds less than
 * 2^-53, so the computed logarithm is within 2^-49 of the exact one, and 2^-48 is added before the
 * division by α − 1, which rounds up. The result is also capped by the randomized-response curve at
 * 1/λ ({@link PureDpEvent}, itself rounded up): Laplace noise is (1/λ)-DP, and that curve bounds
 * every (1/λ)-DP mechanism; it keeps the bound tight when ε(α) is tiny next to 2^-48.
 *
 * @param scale the noise scale b &gt; 0
 * @param l1Sensitivity the query's L1 sensitivity Δ &gt; 0
 */
public record LaplaceEvent(double scale, double l1Sensitivity) implements PrivacyEvent {
  public LaplaceEvent {
    Check.positiveFinite("scale", scale);
    Check.positiveFinite("l1Sensitivity", l1Sensitivity);
  }

  /** Bound on the error of the computed logarithm (see "Rounding up"), with a factor 2 to spare. */
  private static final double LOG_ERROR = 0x1p-48;

  @Override
  public double rdp(double order) {
    double inverseLambda = pureEpsilon();
    double a = order;
    double log =
        StrictMath.log((a + (a - 1) * StrictMath.exp(-(2 * a - 1) * inverseLambda)) / (2 * a - 1));
    double value =
        RdpCurve.addRoundingUp(
            inverseLambda, Directed.divideUp(RdpCurve.addRoundingUp(log, LOG_ERROR), a - 1));
    value = Math.min(value, PureDpEvent.randomizedResponseRdp(inverseLambda, order));
    return Math.min(Math.max(value, 0), inverseLambda);
  }

  /** Δ/b rounded toward +∞. */
  @Override
  public double pureEpsilon() {
    return Directed.divideUp(l1Sensitivity, scale);
  }
}
