package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The discrete Gaussian mechanism N_Z(0, σ²) on an integer query of L2 sensitivity Δ.
 *
 * <p>RDP: ε(α) = α Δ² / (2σ²), the same curve as the continuous Gaussian: the discrete Gaussian
 * satisfies ½(Δ/σ)²-concentrated DP (Canonne, Kamath &amp; Steinke 2020, "The Discrete Gaussian for
 * Differential Privacy", Thm. 4 / Cor. 9).
 *
 * @param sigma the σ parameter of the discrete Gaussian, &gt; 0
 * @param l2Sensitivity the query's L2 sensitivity Δ &gt; 0
 */
public record DiscreteGaussianEvent(double sigma, double l2Sensitivity) implements PrivacyEvent {
  public DiscreteGaussianEvent {
    Check.positiveFinite("sigma", sigma);
    Check.positiveFinite("l2Sensitivity", l2Sensitivity);
  }

  /** αΔ²/(2σ²), rounded toward +∞ as {@link GaussianEvent} rounds it. */
  @Override
  public double rdp(double order) {
    return GaussianEvent.rdpRoundedUp(order, sigma, l2Sensitivity);
  }
}
