package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The Gaussian mechanism: N(0, σ²) noise on a query of L2 sensitivity Δ.
 *
 * <p>RDP: ε(α) = α Δ² / (2σ²) (Mironov 2017, "Rényi Differential Privacy", Prop. 7).
 *
 * @param sigma the noise standard deviation σ &gt; 0
 * @param l2Sensitivity the query's L2 sensitivity Δ &gt; 0
 */
public record GaussianEvent(double sigma, double l2Sensitivity) implements PrivacyEvent {
  public GaussianEvent {
    Check.positiveFinite("sigma", sigma);
    Check.positiveFinite("l2Sensitivity", l2Sensitivity);
  }

  /** A Gaussian event with a noise multiplier z = σ/Δ, that is σ = z at sensitivity 1. */
  public static GaussianEvent withNoiseMultiplier(double noiseMultiplier) {
    return new GaussianEvent(noiseMultiplier, 1.0);
  }

  public double noiseMultiplier() {
    return sigma / l2Sensitivity;
  }

  @Override
  public double rdp(double order) {
    double z = noiseMultiplier();
    return order / (2 * z * z);
  }
}
