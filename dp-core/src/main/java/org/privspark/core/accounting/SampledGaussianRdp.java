package org.privspark.core.accounting;

import static org.privspark.core.internal.LogMath.logAdd;
import static org.privspark.core.internal.LogMath.logErfc;
import static org.privspark.core.internal.LogMath.logSub;

import org.privspark.core.Check;

/**
 * The RDP of one step of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar &amp; Zhang
 * 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530):
 * ε(α) = log(A_α)/(α − 1) with A_α = E_{z∼μ₀}[((1−q) + q·μ₁(z)/μ₀(z))^α], μ₀ = N(0, σ²),
 * μ₁ = N(1, σ²).
 *
 * <p><b>Integer α</b> (§3.3): A_α = Σ_k C(α,k)(1−q)^{α−k} q^k e^{(k²−k)/(2σ²)}. Since the
 * binomial weights sum to one, A_α − 1 = Σ_{k≥2} C(α,k)(1−q)^{α−k} q^k expm1((k²−k)/(2σ²)), a sum
 * of positive terms; summing that in log space keeps full relative precision even when A_α − 1 is
 * 1e-12 (small q), where summing A_α itself would lose most digits.
 *
 * <p><b>Fractional α</b> (§3.3): the two series obtained by splitting the integral at
 * z₀ = σ² log(1/q − 1) + 1/2, with generalized binomial coefficients C(α, i) whose sign alternates
 * once i &gt; α, and Gaussian-tail weights ½erfc(·). Every term is formed in log space with
 * {@code logErfc}, so small fractional orders with large q neither overflow nor underflow. Past
 * the peak the series alternates with shrinking terms; it is cut right after a positive term, so
 * the truncated sum is an upper bound on A_α (the cost is rounded up, never down).
 */
public final class SampledGaussianRdp {
  // Stop when the last term is below (A − 1) · e^-32 ≈ 1.3e-14 relative: far below what any
  // conversion or test can see, while the polynomially decaying tail stays short.
  private static final double NEGLIGIBLE_LOG_RATIO = -32;
  private static final int MAX_TERMS = 5_000_000;

  private SampledGaussianRdp() {}

  /** ε(α) of one step; q in [0, 1], σ &gt; 0, α &gt; 1 finite. */
  public static double rdp(double q, double sigma, double alpha) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampleRate must be in [0, 1]; got " + q);
    }
    Check.positiveFinite("noiseMultiplier", sigma);
    if (!(alpha > 1) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("order must be finite and > 1; got " + alpha);
    }
    if (q == 0) {
      return 0;
    }
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    double logA =
        (alpha == Math.rint(alpha) && alpha <= Integer.MAX_VALUE)
            ? logAInteger(q, sigma, (long) alpha)
            : logAFractional(q, sigma, alpha);
    return Math.max(logA, 0) / (alpha - 1);
  }

  /** log A_α for integer α ≥ 2, through the positive series for A_α − 1. */
  static double logAInteger(double q, double sigma, long alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigmaSq = 2 * sigma * sigma;
    double logAMinus1 = Double.NEGATIVE_INFINITY;
    double logBinom = Math.log((double) alpha); // log C(α, 1)
    for (long k = 2; k <= alpha; k++) {
      logBinom += Math.log((double) (alpha - k + 1)) - Math.log((double) k);
      double exponent = ((double) k * k - k) / twoSigmaSq;
      double term = logBinom + k * logQ + (alpha - k) * log1mQ + logExpm1(exponent);
      logAMinus1 = logAdd(logAMinus1, term);
    }
    return log1pExp(logAMinus1);
  }

  /** log A_α for fractional α: MTZ 2019 §3.3, both series, in log space. */
  static double logAFractional(double q, double sigma, double alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigmaSq = 2 * sigma * sigma;
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    double z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
    double logHalf = Math.log(0.5);

    // Positive and negative terms are summed apart, so that the alternating tail never takes
    // the log of a negative partial sum; they meet once, at the end.
    double positive = Double.NEGATIVE_INFINITY;
    double negative = Double.NEGATIVE_INFINITY;
    double logAbsBinom = 0; // log |C(α, 0)|
    boolean binomPositive = true;
    double previousTerm = Double.POSITIVE_INFINITY;
    for (int i = 0; i < MAX_TERMS; i++) {
      if (i > 0) {
        double factor = (alpha - i + 1) / i;
        logAbsBinom += Math.log(Math.abs(factor));
        if (factor < 0) {
          binomPositive = !binomPositive;
        }
      }
      double j = alpha - i;
      double logS0 =
          logAbsBinom + i * logQ + j * log1mQ + ((double) i * i - i) / twoSigmaSq
              + logHalf + logErfc((i - z0) / sqrt2Sigma);
      double logS1 =
          logAbsBinom + j * logQ + i * log1mQ + (j * j - j) / twoSigmaSq
              + logHalf + logErfc((z0 - j) / sqrt2Sigma);
      double term = logAdd(logS0, logS1);
      if (binomPositive) {
        positive = logAdd(positive, term);
      } else {
        negative = logAdd(negative, term);
      }
      boolean pastPeak = i > alpha + 1 && term < previousTerm;
      previousTerm = term;
      if (pastPeak && binomPositive) {
        double logA = logSub(positive, negative);
        double logAMinus1 = logA > 0 ? logSub(logA, 0) : Double.NEGATIVE_INFINITY;
        // An upper bound: we stop right after a positive term of an alternating tail.
        if (term < Math.max(logAMinus1, -700) + NEGLIGIBLE_LOG_RATIO) {
          return logA;
        }
      }
    }
    throw new ArithmeticException(
        "sampled Gaussian RDP series did not converge for q=" + q + ", sigma=" + sigma
            + ", order=" + alpha);
  }

  /** log(e^x − 1) for x &gt; 0, without overflow for large x or cancellation for small x. */
  static double logExpm1(double x) {
    return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
  }

  /** log(1 + e^x). */
  static double log1pExp(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}
