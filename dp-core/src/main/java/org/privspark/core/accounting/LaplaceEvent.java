package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The Laplace mechanism: Laplace(b) noise on a query of L1 sensitivity Δ; pure (Δ/b)-DP.
 *
 * <p>RDP (Mironov 2017, Prop. 6), with λ = b/Δ:
 * ε(α) = log(α/(2α−1)·e^{(α−1)/λ} + (α−1)/(2α−1)·e^{−α/λ}) / (α−1), evaluated as
 * 1/λ + log((α + (α−1)e^{−(2α−1)/λ}) / (2α−1)) / (α−1) so that nothing overflows.
 *
 * @param scale the noise scale b &gt; 0
 * @param l1Sensitivity the query's L1 sensitivity Δ &gt; 0
 */
public record LaplaceEvent(double scale, double l1Sensitivity) implements PrivacyEvent {
  public LaplaceEvent {
    Check.positiveFinite("scale", scale);
    Check.positiveFinite("l1Sensitivity", l1Sensitivity);
  }

  @Override
  public double rdp(double order) {
    double inverseLambda = l1Sensitivity / scale;
    double a = order;
    double value =
        inverseLambda
            + StrictMath.log((a + (a - 1) * StrictMath.exp(-(2 * a - 1) * inverseLambda)) / (2 * a - 1))
                / (a - 1);
    return Math.min(Math.max(value, 0), inverseLambda);
  }

  @Override
  public double pureEpsilon() {
    return l1Sensitivity / scale;
  }
}
