package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The discrete Laplace mechanism: P(x) ∝ e^{−|x|/t} noise on an integer query of L1 sensitivity Δ;
 * pure (Δ/t)-DP (Canonne, Kamath &amp; Steinke 2020, §2.2).
 *
 * <p>RDP: the pure-DP curve of {@link PureDpEvent} at ε = Δ/t. At Δ = 1 this is exact: the privacy
 * loss of a unit shift takes only the values ±1/t with randomized response's probabilities.
 *
 * @param scale the scale t &gt; 0
 * @param l1Sensitivity the query's L1 sensitivity Δ &gt; 0
 */
public record DiscreteLaplaceEvent(double scale, double l1Sensitivity) implements PrivacyEvent {
  public DiscreteLaplaceEvent {
    Check.positiveFinite("scale", scale);
    Check.positiveFinite("l1Sensitivity", l1Sensitivity);
  }

  @Override
  public double rdp(double order) {
    return PureDpEvent.randomizedResponseRdp(pureEpsilon(), order);
  }

  /** Δ/t rounded toward +∞ (the double nearest to 3/10 is below it, for example). */
  @Override
  public double pureEpsilon() {
    return Directed.divideUp(l1Sensitivity, scale);
  }
}
