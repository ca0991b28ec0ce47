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
 * once i &gt; α, and Gaussian-tail weights ½erfc(·). The constant 1 is taken out analytically
 * (see {@link #logAMinus1Fractional}), so A_α − 1 keeps its relative precision for tiny q. Every
 * term is formed in log space with {@code logErfc}, so small fractional orders with large q
 * neither overflow nor underflow. Past the peak the series alternates with shrinking terms; it
 * is cut right after a positive term, so the truncated sum is an upper bound on A_α (the cost is
 * rounded up, never down).
 *
 * <p><b>Rounding up.</b> Each series returns an upper bound on log(A_α − 1), and ε(α) is evaluated
 * from it rounding up. Every term's logarithm is a sum of a few parts (log-binomial, k·log q,
 * (α − k)·log(1 − q), the exponent term, and for fractional orders log ½ and a log-erfc); each
 * elementary function is within an ulp, each sum and product adds half an ulp of its magnitude, and
 * the log-binomial accumulates one step per index, so a term after k steps is within
 * 2^-51·(k + 6)·W of its exact log, W the sum of its parts' magnitudes. A log-erfc adds 2^-40
 * (commons-math computes erfc to about 1e-15 relative; the allowance is a thousand times that,
 * an assumption rather than a proof) and its argument's rounding times its slope, below
 * 2·max(x, 0) + 2; the rounding of 1 − αq grows by αq/|1 − αq|. Each term's error, as a relative
 * error of the term, is carried along weighted by the term ({@code SignedLogSum}), so a term far
 * below the sum adds little however large the numbers in its log; the fractional series add the two
 * halves of each term apart for the same reason. The bound is then log(e^{P'} − e^{N'}), with the
 * positive part P raised by the weighted errors and by 2^-50 per log-space addition, and the
 * negative part N lowered by the latter: an upper bound however much the two parts cancel.
 */
public final class SampledGaussianRdp {
  // Stop when the last term is below (A − 1) · e^-32 ≈ 1.3e-14 relative: far below what any
  // conversion or test can see, while the polynomially decaying tail stays short.
  private static final double NEGLIGIBLE_LOG_RATIO = -32;
  private static final int MAX_TERMS = 5_000_000;

  private SampledGaussianRdp() {}

  /** The allowance for one log-erfc: see "Rounding up". */
  private static final double LOG_ERFC_ERROR = 0x1p-40;

  /** ε(α) of one step, rounded up; q in [0, 1], σ &gt; 0, α &gt; 1 finite. */
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
      return GaussianEvent.rdpRoundedUp(alpha, sigma, 1);
    }
    double logAMinus1 =
        (alpha == Math.rint(alpha) && alpha <= Integer.MAX_VALUE)
            ? logAMinus1Integer(q, sigma, (long) alpha)
            : logAMinus1Fractional(q, sigma, alpha);
    // log1pExp is within 8·2^-52 relative (an exp, a log1p and a sum); α − 1 is exact.
    double logA = Directed.multiplyUp(log1pExp(logAMinus1), 1 + 0x1p-49);
    return Directed.divideUp(logA, alpha - 1);
  }

  /** An upper bound on log(A_α − 1) for integer α ≥ 2, through the positive series. */
  static double logAMinus1Integer(double q, double sigma, long alpha) {
    double logQ = StrictMath.log(q);
    double log1mQ = StrictMath.log1p(-q);
    double twoSigmaSq = 2 * sigma * sigma;
    double logAlpha = StrictMath.log((double) alpha);
    SignedLogSum sum = new SignedLogSum();
    double logBinom = logAlpha; // log C(α, 1)
    for (long k = 2; k <= alpha; k++) {
      logBinom += StrictMath.log((double) (alpha - k + 1)) - StrictMath.log((double) k);
      double exponent = ((double) k * k - k) / twoSigmaSq;
      double qPart = k * logQ;
      double rest = (alpha - k) * log1mQ;
      double expPart = logExpm1(exponent);
      double term = logBinom + qPart + rest + expPart;
      double parts = Math.abs(logBinom) + logAlpha + Math.abs(qPart) + Math.abs(rest) + exponent + 1
          + Math.abs(expPart);
      sum.add(term, true, 0x1p-51 * (k + 6) * parts);
    }
    return sum.upperLog();
  }

  /**
   * An upper bound on log(A_α − 1) for fractional α: MTZ 2019 §3.3, both series, in log space,
   * with the constant 1 taken out analytically so that A_α − 1 keeps its relative precision when
   * it is tiny.
   *
   * <p>Write u = q(L − 1) with L = μ₁/μ₀, so E_{μ₀}[u] = 0 and A_α − 1 = Σ₀ + Σ₁ − 1, where Σ₀ and
   * Σ₁ are MTZ's series over z ≤ z₀ and z &gt; z₀. Terms i = 0 and 1 of Σ₀ are (1−q)^α P₀ and
   * α(1−q)^{α−1} q P₁ with P₀ = Φ(z₀/σ), P₁ = Φ((z₀−1)/σ); adding −1 = −(1−αq)(P₀ + Q₀) −
   * αq(P₁ + Q₁) + αq(P₀ + Q₀ − P₁ − Q₁) (the last bracket is 0) turns them into
   * c₀P₀ + c₁P₁ − (1−αq)Q₀ − αqQ₁, with c₀ = (1−q)^α − 1 + αq ≥ 0, c₁ = αq((1−q)^{α−1} − 1) ≤ 0
   * and the Gaussian tails Q₀ = 1 − P₀, Q₁ = 1 − P₁. Each of those is computed without
   * cancellation; what remains is a signed sum of small terms of the same order.
   */
  static double logAMinus1Fractional(double q, double sigma, double alpha) {
    double logQ = StrictMath.log(q);
    double log1mQ = StrictMath.log1p(-q);
    double twoSigmaSq = 2 * sigma * sigma;
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    double z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
    double logHalf = StrictMath.log(0.5);
    SignedLogSum sum = new SignedLogSum();

    // The reorganised terms i = 0 and 1 of the lower series, and the −1: each the log of a few
    // elementary results (within 2^-46 together) plus a log-erfc.
    double constantError = 0x1p-46 * (Math.abs(alpha * logQ) + Math.abs(alpha * log1mQ) + 8);
    double x = -z0 / sqrt2Sigma;
    sum.add(logC0(q, alpha) + logHalf + logErfc(x), true, constantError + logErfcError(x));
    double c1 = alpha * q * StrictMath.expm1((alpha - 1) * log1mQ); // ≤ 0
    x = (1 - z0) / sqrt2Sigma;
    sum.add(StrictMath.log(-c1) + logHalf + logErfc(x), false, constantError + logErfcError(x));
    double oneMinusAlphaQ = 1 - alpha * q;
    if (oneMinusAlphaQ != 0) {
      // αq's rounding is relative to αq, not to 1 − αq: it grows by αq/|1 − αq|.
      x = z0 / sqrt2Sigma;
      sum.add(StrictMath.log(Math.abs(oneMinusAlphaQ)) + logHalf + logErfc(x), oneMinusAlphaQ < 0,
          constantError + 0x1p-51 * alpha * q / Math.abs(oneMinusAlphaQ) + logErfcError(x));
    }
    x = (z0 - 1) / sqrt2Sigma;
    sum.add(StrictMath.log(alpha * q) + logHalf + logErfc(x), false, constantError + logErfcError(x));

    double logAbsBinom = 0; // log |C(α, 0)|
    boolean binomPositive = true;
    double previousTerm = Double.POSITIVE_INFINITY;
    for (int i = 0; i < MAX_TERMS; i++) {
      if (i > 0) {
        double factor = (alpha - i + 1) / i;
        logAbsBinom += StrictMath.log(Math.abs(factor));
        if (factor < 0) {
          binomPositive = !binomPositive;
        }
      }
      double j = alpha - i;
      double x0 = (i - z0) / sqrt2Sigma;
      double x1 = (z0 - j) / sqrt2Sigma;
      double logS0 =
          logAbsBinom + i * logQ + j * log1mQ + ((double) i * i - i) / twoSigmaSq + logHalf + logErfc(x0);
      double logS1 =
          logAbsBinom + j * logQ + i * log1mQ + (j * j - j) / twoSigmaSq + logHalf + logErfc(x1);
      // Each part within an ulp or so, the log-binomial after i steps within i ulps of its size.
      double common = 0x1p-51 * (i + 8) * (Math.abs(logAbsBinom) + Math.abs(i * logQ) + Math.abs(j * logQ)
          + Math.abs(i * log1mQ) + Math.abs(j * log1mQ) + ((double) i * i + j * j + i + Math.abs(j)) / twoSigmaSq + 2);
      // Both halves go in on their own, each with its own error: the half whose log-erfc is deep
      // in the tail (and so least accurate) is also the one that weighs nothing.
      // Terms 0 and 1 of the lower series were folded into the constant part above.
      if (i >= 2) {
        sum.add(logS0, binomPositive, common + logErfcError(x0));
      }
      sum.add(logS1, binomPositive, common + logErfcError(x1));
      double term = i < 2 ? logS1 : logAdd(logS0, logS1);
      boolean pastPeak = i > alpha + 1 && term < previousTerm;
      previousTerm = term;
      // Cut right after a positive term of the alternating tail: the partial sum is then an
      // upper bound, above the true value by less than the next (smaller) term.
      if (pastPeak && binomPositive && term < sum.logValue() + NEGLIGIBLE_LOG_RATIO) {
        return sum.upperLog();
      }
    }
    throw new ArithmeticException(
        "sampled Gaussian RDP series did not converge for q=" + q + ", sigma=" + sigma
            + ", order=" + alpha);
  }

  /**
   * A bound on the error of logErfc(x) as computed: commons-math's own (the allowance {@link
   * #LOG_ERFC_ERROR}) plus the effect of x's rounding (two operations, 2^-52|x|) through the slope
   * of log erfc, which is below 2·max(x, 0) + 2.
   */
  private static double logErfcError(double x) {
    return LOG_ERFC_ERROR + 0x1p-51 * (2 * Math.max(x, 0) + 2) * (Math.abs(x) + 1);
  }

  /**
   * log((1−q)^α − 1 + αq), which is ≥ 0 by Bernoulli's inequality. For small q the closed form
   * cancels to nothing, so the binomial series Σ_{k≥2} C(α,k)(−q)^k is summed instead.
   */
  static double logC0(double q, double alpha) {
    if (q < 0.05) {
      double term = -alpha * q; // C(α,1)(−q)
      double sum = 0;
      for (int k = 2; k < 200; k++) {
        term *= (alpha - k + 1) / k * -q;
        sum += term;
        if (Math.abs(term) <= 1e-20 * Math.abs(sum)) {
          break;
        }
      }
      return StrictMath.log(sum);
    }
    return StrictMath.log(StrictMath.expm1(alpha * StrictMath.log1p(-q)) + alpha * q);
  }

  /**
   * A sum of signed terms given by their logs; positive and negative parts are kept apart, and
   * each term's rounding error is carried along, weighted by the term (a term far below the sum
   * adds little error, however large the numbers that went into its log).
   */
  private static final class SignedLogSum {
    private double positive = Double.NEGATIVE_INFINITY;
    private double negative = Double.NEGATIVE_INFINITY;
    /** log Σ e^{t}·(e^{η} − 1) over the terms t added so far, η the bound on t's error. */
    private double error = Double.NEGATIVE_INFINITY;
    private long terms;

    /** Adds ±e^{logMagnitude}, whose computed log is within {@code logError} of the exact one. */
    void add(double logMagnitude, boolean isPositive, double logError) {
      if (isPositive) {
        positive = logAdd(positive, logMagnitude);
      } else {
        negative = logAdd(negative, logMagnitude);
      }
      // e^{η} − 1 ≤ 2η while η ≤ 1; the log itself is within an ulp, and the 2 is generous.
      double relative = logError <= 1 ? 2 * logError : StrictMath.expm1(logError) * 2;
      error = logAdd(error, logMagnitude + StrictMath.log(relative));
      terms++;
    }

    /** log of the sum as computed; −∞ when rounding leaves the (non-negative) sum at or below zero. */
    double logValue() {
      return negative >= positive ? Double.NEGATIVE_INFINITY : logSub(positive, negative);
    }

    /**
     * An upper bound on the log of the exact sum: the positive part raised by every term's error
     * (and by n·2^-50 for the n log-space additions, each within 2^-51 relative), the negative
     * part lowered by n·2^-50, their difference's log, and the rounding of that last logSub (within
     * 2^-50 of the magnitudes involved). −∞ only if even that bound is not positive.
     */
    double upperLog() {
      double drift = 0x1p-50 * terms;
      double p = logAdd(RdpCurve.addRoundingUp(positive, drift), RdpCurve.addRoundingUp(error, drift));
      p = RdpCurve.addRoundingUp(p, 0x1p-50 * (Math.abs(p) + 1));
      double n = negative == Double.NEGATIVE_INFINITY ? negative : Directed.subtractDown(negative, drift);
      if (n >= p) {
        return Double.NEGATIVE_INFINITY;
      }
      double value = logSub(p, n);
      return RdpCurve.addRoundingUp(value, 0x1p-50 * (Math.abs(value) + Math.abs(p) + 1));
    }
  }

  /** log(e^x − 1) for x &gt; 0, without overflow for large x or cancellation for small x. */
  static double logExpm1(double x) {
    return x > 30 ? x + StrictMath.log1p(-StrictMath.exp(-x)) : StrictMath.log(StrictMath.expm1(x));
  }

  /** log(1 + e^x). */
  static double log1pExp(double x) {
    return x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x));
  }
}
