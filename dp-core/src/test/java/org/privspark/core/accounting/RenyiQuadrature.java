package org.privspark.core.accounting;

import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;

/**
 * An independent, slow reference for the sampled Gaussian's RDP: numerical integration of A_α = ∫
 * μ₀(z) (1 − q + q e^{(2z−1)/(2σ²)})^α dz, written straight from the definition in Mironov, Talwar
 * &amp; Zhang 2019 and sharing no code with {@link SampledGaussianRdp}.
 *
 * <p>To keep full relative precision when A_α − 1 is tiny, it integrates the non-negative function
 * μ₀(z)·[(1+u)^α − 1 − αu] with u = q·expm1((2z−1)/(2σ²)), whose integral is A_α − 1 because ∫μ₀·u
 * = 0 (convexity makes the integrand ≥ 0: no cancellation). Everything runs in log space, so orders
 * of 256 at σ = 0.1 (A_α ≈ e^{3·10⁶}) are fine. Composite 32-point Gauss–Legendre on panels of
 * width σ/4 over [−60σ, α + 60σ], which holds all of the mass: the integrand is a mixture of
 * Gaussians of width σ centred in [0, α].
 */
final class RenyiQuadrature {
  private static final GaussIntegrator RULE =
      new GaussIntegratorFactory().legendreHighPrecision(32, -1, 1);

  private RenyiQuadrature() {}

  /** ε(α) = log(A_α)/(α − 1) by quadrature. */
  static double sampledGaussianRdp(double q, double sigma, double alpha) {
    double lo = -60 * sigma;
    double hi = alpha + 60 * sigma;
    double panel = sigma / 4;
    int panels = (int) Math.ceil((hi - lo) / panel);
    int n = RULE.getNumberOfPoints();
    double[] logTerms = new double[panels * n];
    double max = Double.NEGATIVE_INFINITY;
    int k = 0;
    for (int p = 0; p < panels; p++) {
      double a = lo + p * panel;
      double half = panel / 2;
      double mid = a + half;
      for (int i = 0; i < n; i++) {
        double z = mid + half * RULE.getPoint(i);
        double logW = Math.log(RULE.getWeight(i) * half);
        double value = logW + logIntegrand(q, sigma, alpha, z);
        logTerms[k++] = value;
        max = Math.max(max, value);
      }
    }
    // Kahan-compensated sum of exp(term − max).
    double sum = 0;
    double c = 0;
    for (double t : logTerms) {
      double y = Math.exp(t - max) - c;
      double s = sum + y;
      c = (s - sum) - y;
      sum = s;
    }
    double logAMinus1 = max + Math.log(sum);
    double logA =
        logAMinus1 > 0
            ? logAMinus1 + Math.log1p(Math.exp(-logAMinus1))
            : Math.log1p(Math.exp(logAMinus1));
    return logA / (alpha - 1);
  }

  /** log of μ₀(z)·[(1+u)^α − 1 − αu], the integrand of A_α − 1. */
  static double logIntegrand(double q, double sigma, double alpha, double z) {
    double logMu0 = -z * z / (2 * sigma * sigma) - Math.log(sigma * Math.sqrt(2 * Math.PI));
    return logMu0 + logConvexRemainder(q, sigma, alpha, z);
  }

  /** log((1+u)^α − 1 − αu), u = q·expm1(t), t = (2z−1)/(2σ²). */
  private static double logConvexRemainder(double q, double sigma, double alpha, double z) {
    double t = (2 * z - 1) / (2 * sigma * sigma);
    if (t > 30) {
      // u is large: log u = log q + t + log1p(−e^{−t}).
      double logU = Math.log(q) + t + Math.log1p(-Math.exp(-t));
      double log1pU = logU > 30 ? logU + Math.log1p(Math.exp(-logU)) : Math.log1p(Math.exp(logU));
      double a = alpha * log1pU;
      double logOnePlusAlphaU =
          logU > 30
              ? Math.log(alpha) + logU + Math.log1p(Math.exp(-logU) / alpha)
              : Math.log1p(alpha * Math.exp(logU));
      return a + Math.log1p(-Math.exp(logOnePlusAlphaU - a));
    }
    double u = q * Math.expm1(t);
    if (Math.abs(u) < 1e-3) {
      // Σ_{k≥2} C(α,k) u^k: converges fast for |u| < 1e-3 and keeps every digit.
      double term = alpha * u; // C(α,1) u
      double sum = 0;
      for (int j = 2; j < 60; j++) {
        term *= (alpha - j + 1) / j * u;
        sum += term;
        if (Math.abs(term) < 1e-18 * Math.abs(sum)) {
          break;
        }
      }
      return Math.log(sum);
    }
    double a = alpha * Math.log1p(u);
    if (a < 30) {
      return Math.log(Math.expm1(a) - alpha * u);
    }
    return a + Math.log1p(-(1 + alpha * u) * Math.exp(-a));
  }
}
