package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The Gaussian mechanism: N(0, σ²) noise on a query of L2 sensitivity Δ.
 *
 * <p>RDP: ε(α) = α Δ² / (2σ²) (Mironov 2017, "Rényi Differential Privacy", Prop. 7), rounded toward
 * +∞: the numerator's products round up, the denominator's down, the quotient up.
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
    return rdpRoundedUp(order, sigma, l2Sensitivity);
  }

  /** αΔ²/(2σ²), never below its exact value. */
  static double rdpRoundedUp(double order, double sigma, double l2Sensitivity) {
    double numerator =
        Directed.multiplyUp(order, Directed.multiplyUp(l2Sensitivity, l2Sensitivity));
    double denominator = 2 * Directed.multiplyDown(sigma, sigma); // doubling is exact
    return Directed.divideUp(numerator, denominator);
  }
}
