package org.privspark.core.accounting;

import static org.privspark.core.internal.LogMath.logAdd;

import org.privspark.core.internal.LogMath;

/**
 * The series of Mironov, Talwar &amp; Zhang 2019 (arXiv:1908.10530, §3.3) for A_α − 1 of the
 * sampled Gaussian, A_α = E_{z∼μ₀}[(1 − q + q·L(z))^α] with L = μ₁/μ₀, μ₀ = N(0, σ²), μ₁ = N(1,
 * σ²), each summed into a {@link SignedLogSum} with a proven bound on every term's rounding. {@link
 * SampledGaussianRdp} turns the sums into ε.
 *
 * <p><b>Rounding.</b> A term's log is a sum of parts (a log-binomial, multiples of log q and log(1
 * − q), an exponent, log ½, a log-erfc). Each product of a rounded log by an exact or once-rounded
 * factor is within 2^-51 of its magnitude, each exponent within 2^-50 of the magnitudes it is made
 * of (so a difference such as j² − j that cancels is bounded by j² + |j|), and each of the five or
 * so additions adds half an ulp of the running sum: 2^-49·W in all, W the sum of the parts'
 * magnitudes. The log-binomial's error is carried step by step (2^-51 times the magnitudes of each
 * step's log and sum), not guessed from the index. A log-erfc is within {@link #LOG_ERFC_ERROR}
 * (commons-math computes erfc to about 1e-15 relative for the arguments below 5 where it is used,
 * and the continued fraction beyond converges to 1e-16; the allowance is a thousand times that: an
 * assumption, not a proof, checked against 120-digit values in {@code LogErfcAccuracyTest}, which
 * finds at most 4.9e-15 below 5), plus its argument's rounding (2^-50 of the magnitudes it is made
 * of) times the slope of log erfc, plus 2^-50·(max(x, 0)² + 1) for the rounding of its own exponent
 * (see {@link #logErfcError}).
 */
final class SampledGaussianSeries {
  /** The allowance for one log-erfc: see the class comment. */
  static final double LOG_ERFC_ERROR = 0x1p-40;

  /**
   * Stop a fractional series when the last term is below (A − 1)·e^-32 ≈ 1.3e-14 relative: far
   * below what any conversion can see, while the polynomially decaying tail stays short.
   */
  private static final double NEGLIGIBLE_LOG_RATIO = -32;

  /**
   * A fractional series that has not converged after this many indices is cut there (still an upper
   * bound, if a looser one): about 0.15 s, and 16 MB of kept terms.
   */
  static final int MAX_TERMS = 1 << 19;

  private static final double LOG_HALF = StrictMath.log(0.5);

  private SampledGaussianSeries() {}

  /**
   * A_α − 1 for integer α ≥ 2, as MTZ's binomial expansion rearranged into positive terms: since
   * the binomial weights sum to one, A_α − 1 = Σ_{k≥2} C(α,k)(1−q)^{α−k} q^k expm1((k²−k)/(2σ²)).
   * Summing the positive terms keeps full relative precision even when A_α − 1 is 1e-12 (small q),
   * where summing A_α itself would lose most digits. The sum is exact (no truncation), so both of
   * its bounds are proven; q in (0, 1), σ &gt; 0.
   */
  static SignedLogSum integer(double q, double sigma, long alpha) {
    double logQ = StrictMath.log(q);
    double log1mQ = StrictMath.log1p(-q);
    double twoSigmaSq = 2 * sigma * sigma;
    boolean normalSigmaSq =
        twoSigmaSq >= Double.MIN_NORMAL && twoSigmaSq < Double.POSITIVE_INFINITY;
    // log(2σ²) from logs, for the exponents that underflow or overflow.
    double logTwoSigmaSq = StrictMath.log(2) + 2 * StrictMath.log(sigma);
    double logTwoSigmaSqError = 0x1p-50 * (Math.abs(logTwoSigmaSq) + 1);
    SignedLogSum sum = new SignedLogSum(false);
    double logBinom = StrictMath.log((double) alpha); // log C(α, 1)
    double binomError = 0x1p-52 * logBinom;
    for (long k = 2; k <= alpha; k++) {
      double up = StrictMath.log((double) (alpha - k + 1));
      double down = StrictMath.log((double) k);
      logBinom += up - down;
      binomError += 0x1p-51 * (up + down + Math.abs(logBinom));
      double qPart = k * logQ;
      double rest = (alpha - k) * log1mQ;
      // (k² − k) is exact below 2^26. The exponent x is formed directly (within 2^-52: 2σ² and
      // the quotient round once each) while it and 2σ² are normal finite doubles, else from logs.
      // Its
      // error passes to log(expm1(x)) weighted by d log(expm1(x))/d log x = x·e^x/(e^x − 1) ≤ 1 +
      // x.
      double exponent = ((double) k * k - k) / twoSigmaSq;
      double logExponentError;
      double expPart;
      if (normalSigmaSq && exponent >= Double.MIN_NORMAL && exponent < Double.POSITIVE_INFINITY) {
        logExponentError = 0x1p-51;
        expPart = logExpm1(exponent);
      } else {
        double logKk = StrictMath.log((double) k * k - k);
        double logExponent = logKk - logTwoSigmaSq;
        logExponentError =
            0x1p-51 * (logKk + 1) + logTwoSigmaSqError + 0x1p-52 * Math.abs(logExponent);
        expPart = logExpm1FromLog(logExponent);
        exponent = StrictMath.exp(logExponent);
      }
      double expPartError =
          (logExponentError + 0x1p-52) * (1 + exponent) + 0x1p-51 * (1 + Math.abs(expPart));
      double term = logBinom + qPart + rest + expPart;
      double parts = Math.abs(logBinom) + Math.abs(qPart) + Math.abs(rest) + Math.abs(expPart);
      sum.add(
          term,
          true,
          binomError
              + 0x1p-51 * (Math.abs(qPart) + Math.abs(rest))
              + expPartError
              + 0x1p-51 * parts);
    }
    return sum;
  }

  /**
   * log(e^x − 1) at x = e^{logX}, without overflow for large x or cancellation for small x (for x
   * &lt; 2^-30, log(e^x − 1) = log x + x/2 + O(x²/24)).
   */
  static double logExpm1FromLog(double logX) {
    if (logX < -30 * StrictMath.log(2)) {
      return logX + StrictMath.exp(logX) / 2;
    }
    return logExpm1(StrictMath.exp(logX));
  }

  /** log(e^x − 1) for x &gt; 0: within an ulp of expm1 and of the log (or of log1p, past 30). */
  static double logExpm1(double x) {
    return x > 30 ? x + StrictMath.log1p(-StrictMath.exp(-x)) : StrictMath.log(StrictMath.expm1(x));
  }

  /**
   * An upper bound on log(A_α − 1) for fractional α (MTZ 2019 §3.3); +∞ if a term overflowed. q in
   * (0, 1), σ &gt; 0, α &gt; 1 not an integer and below {@link #MAX_TERMS}. (One term, c₀P₀, enters
   * through an upper bound of c₀, so only the sum's upper bound is meaningful.)
   *
   * <p><b>The series.</b> Split the integral at a point z̃₀ (the computed double of z₀ = σ² log(1/q
   * − 1) + ½, where q·L = 1 − q; any split would do, as the proof below holds for every z̃₀). Below
   * it expand (1 − q + qL)^α = (1−q)^α (1 + x)^α in x = qL/(1−q), above it (qL)^α (1 + 1/x)^α, both
   * with generalized binomial coefficients C(α, i). Term i is C(α,i)[q^i(1−q)^{α−i}
   * e^{(i²−i)/(2σ²)} Φ((z̃₀ − i)/σ) + q^{α−i}(1−q)^i e^{(j²−j)/(2σ²)} (1 − Φ((z̃₀ − j)/σ))], j = α
   * − i, with Φ(y) = ½erfc(−y/√2).
   *
   * <p><b>Truncation is an upper bound.</b> By Taylor's theorem with Lagrange's remainder, for
   * every x ≥ 0 and N, (1 + x)^α − Σ_{i≤N} C(α,i) x^i = C(α,N+1)(1+ξ)^{α−N−1} x^{N+1} for some ξ in
   * [0, x]: its sign is that of C(α, N+1). So when C(α, N+1) &lt; 0, the partial sums of both
   * expansions are above (1 + x)^α and (1 + 1/x)^α at every z, and integrating against μ₀ keeps the
   * inequality. C(α, i) is positive for i ≤ ⌈α⌉ and alternates after it, so the series is cut right
   * after an index i &gt; α with C(α, i) &gt; 0.
   *
   * <p><b>The constant 1, analytically.</b> Write u = q(L − 1), so E_{μ₀}[u] = 0 and A_α − 1 is the
   * series minus 1. Terms i = 0 and 1 of the lower series are (1−q)^α P₀ and α(1−q)^{α−1} q P₁ with
   * P₀ = Φ(z̃₀/σ), P₁ = Φ((z̃₀−1)/σ); adding −1 = −(1−αq)(P₀ + Q₀) − αq(P₁ + Q₁) + αq(P₀ + Q₀ − P₁
   * − Q₁) (the last bracket is 0) turns them into c₀P₀ + c₁P₁ − Q₀ + αqQ₀ − αqQ₁, with c₀ = (1−q)^α
   * − 1 + αq ≥ 0, c₁ = αq((1−q)^{α−1} − 1) ≤ 0 and the tails Q = 1 − P. c₀ is bounded from above by
   * {@link #logC0Above}; each other term is a product formed in log space. Without this step A_α −
   * 1 loses its relative precision when it is tiny (q = 1e-8).
   */
  static double fractionalUpperLog(double q, double sigma, double alpha) {
    double logQ = StrictMath.log(q);
    double log1mQ = StrictMath.log1p(-q);
    double logAlpha = StrictMath.log(alpha);
    double twoSigmaSq = 2 * sigma * sigma;
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    double z0 = sigma * sigma * (log1mQ - logQ) + 0.5; // the split point z̃₀: exact by definition
    double absZ0 = Math.abs(z0);
    SignedLogSum sum = new SignedLogSum(true);

    // The constant part. Every product below is formed as a sum of logs, each within an ulp
    // (2^-52 of its magnitude), summed with half an ulp per addition: 2^-50 of the magnitudes.
    double logAlphaQ = logAlpha + logQ;
    LogWithError absExpm1 = logAbsExpm1OfScaledLog1mQ(q, alpha - 1);
    double x = -z0 / sqrt2Sigma; // P₀
    double lx = logErfc(x);
    double logC0 = logC0Above(q, alpha);
    sum.add(
        logC0 + LOG_HALF + lx,
        true,
        0x1p-50 * (Math.abs(logC0) + 1 + Math.abs(lx)) + logErfcError(x, absZ0 / sqrt2Sigma));
    x = (1 - z0) / sqrt2Sigma; // P₁
    lx = logErfc(x);
    // |c₁| = αq·|expm1((α−1)·log(1−q))|.
    sum.add(
        logAlphaQ + absExpm1.value() + LOG_HALF + lx,
        false,
        0x1p-50
                * (Math.abs(logAlpha)
                    + Math.abs(logQ)
                    + Math.abs(absExpm1.value())
                    + 1
                    + Math.abs(lx))
            + absExpm1.error()
            + logErfcError(x, (1 + absZ0) / sqrt2Sigma));
    x = z0 / sqrt2Sigma; // Q₀, twice: −Q₀ + αqQ₀
    lx = logErfc(x);
    double erfcError = logErfcError(x, absZ0 / sqrt2Sigma);
    sum.add(LOG_HALF + lx, false, 0x1p-50 * (1 + Math.abs(lx)) + erfcError);
    sum.add(
        logAlphaQ + LOG_HALF + lx,
        true,
        0x1p-50 * (Math.abs(logAlpha) + Math.abs(logQ) + 1 + Math.abs(lx)) + erfcError);
    x = (z0 - 1) / sqrt2Sigma; // Q₁
    lx = logErfc(x);
    sum.add(
        logAlphaQ + LOG_HALF + lx,
        false,
        0x1p-50 * (Math.abs(logAlpha) + Math.abs(logQ) + 1 + Math.abs(lx))
            + logErfcError(x, (1 + absZ0) / sqrt2Sigma));

    double logAbsBinom = 0; // log |C(α, 0)|
    double binomError = 0;
    boolean binomPositive = true;
    double previousTerm = Double.POSITIVE_INFINITY;
    for (int i = 0; ; i++) {
      if (i > 0) {
        // α − (i − 1) is exact while i − 1 ≤ α and within half an ulp after; the quotient adds
        // another, the log an ulp of itself, the sum half an ulp of itself.
        double factor = (alpha - (i - 1)) / i;
        double logFactor = StrictMath.log(Math.abs(factor));
        logAbsBinom += logFactor;
        binomError += 0x1p-51 * (1 + Math.abs(logFactor) + Math.abs(logAbsBinom));
        if (factor < 0) {
          binomPositive = !binomPositive;
        }
      }
      double j = alpha - i;
      double x0 = (i - z0) / sqrt2Sigma;
      double x1 = (z0 - j) / sqrt2Sigma;
      double lx0 = logErfc(x0);
      double lx1 = logErfc(x1);
      double qi = i * logQ;
      double qj = j * logQ;
      double pi = i * log1mQ;
      double pj = j * log1mQ;
      double ei = ((double) i * i - i) / twoSigmaSq;
      double ej = (j * j - j) / twoSigmaSq;
      double logS0 = logAbsBinom + qi + pj + ei + LOG_HALF + lx0;
      double logS1 = logAbsBinom + qj + pi + ej + LOG_HALF + lx1;
      double w0 =
          Math.abs(logAbsBinom)
              + Math.abs(qi)
              + Math.abs(pj)
              + ((double) i * i + i) / twoSigmaSq
              + 1
              + Math.abs(lx0);
      double w1 =
          Math.abs(logAbsBinom)
              + Math.abs(qj)
              + Math.abs(pi)
              + (j * j + Math.abs(j)) / twoSigmaSq
              + 1
              + Math.abs(lx1);
      // Both halves go in on their own, each with its own error: the half whose log-erfc is deep
      // in the tail (and so least accurate) is also the one that weighs nothing. Terms 0 and 1 of
      // the lower series are in the constant part above.
      if (i >= 2) {
        sum.add(
            logS0,
            binomPositive,
            binomError + 0x1p-49 * w0 + logErfcError(x0, (i + absZ0) / sqrt2Sigma));
      }
      sum.add(
          logS1,
          binomPositive,
          binomError + 0x1p-49 * w1 + logErfcError(x1, (absZ0 + Math.abs(j)) / sqrt2Sigma));
      if (sum.unbounded()) {
        return Double.POSITIVE_INFINITY; // a term overflowed: no finite bound from this series
      }
      double term = i < 2 ? logS1 : logAdd(logS0, logS1);
      boolean shrinking = term < previousTerm;
      previousTerm = term;
      // C(α, i + 1) < 0 here, so the partial sum is an upper bound (see above); stop once the
      // next term, no larger than this one past the peak, is negligible, or at the latest after
      // MAX_TERMS indices, where the bound is looser by at most about the next term.
      if (i > alpha
          && binomPositive
          && (i >= MAX_TERMS || shrinking && term < sum.logValue() + NEGLIGIBLE_LOG_RATIO)) {
        return sum.upperLog();
      }
    }
  }

  /**
   * log erfc(x), or NaN past x = 1e150, where x² overflows and LogMath cannot take it (the sum is
   * then unbounded, and the series gives no finite bound: σ is below about 1e-140 or above 1e140).
   */
  private static double logErfc(double x) {
    return x <= 1e150 ? LogMath.logErfc(x) : Double.NaN;
  }

  /**
   * A bound on the error of logErfc(x) as computed, for x computed from numbers of total magnitude
   * {@code scale}·√2σ (so x is within dx = 2^-50·scale of its exact value):
   *
   * <ul>
   *   <li>erfc's own error: {@link #LOG_ERFC_ERROR} for x &gt; 0; for x ≤ 0, erfc(x) is formed as 2
   *       − erfc(−x) ∈ [1, 2], so its relative error is at most 2^-51 plus LOG_ERFC_ERROR times
   *       erfc(−x) ≤ e^{−x²};
   *   <li>dx times the largest slope of log erfc within dx of x: |d log erfc(y)/dy| =
   *       2e^{−y²}/(√π·erfc(y)) is below (2/√π)·e^{−y²} for y ≤ 0 (as erfc(y) ≥ 1) and below 2y + 2
   *       for y &gt; 0 (Mills' ratio);
   *   <li>2^-50·(max(x, 0)² + 1) for the rounding of erfc's exponent −x² and of the log.
   * </ul>
   */
  static double logErfcError(double x, double scale) {
    double dx = 0x1p-50 * scale;
    double xMax = x + dx;
    double positive = Math.max(x, 0);
    double rounding = 0x1p-50 * (positive * positive + 1);
    if (xMax <= -6) {
      // e^{−y²} < 2.4e-16 all along: erfc's own error is within 2^-51 + 2^-90, the slope below
      // 3e-16.
      return 0x1p-50 + 3e-16 * dx + rounding;
    }
    double slope = xMax <= 0 ? 1.2 * StrictMath.exp(-xMax * xMax) : 2 * xMax + 2;
    double own = x > 0 ? LOG_ERFC_ERROR : 0x1p-51 + LOG_ERFC_ERROR * StrictMath.exp(-x * x);
    return own + slope * dx + rounding;
  }

  /**
   * log|expm1(β·log(1 − q))| for β &gt; 0, with a bound on its error. For |w| ≥ 2^-30, w =
   * β·log1p(−q) is within 2^-51 of itself and expm1(w) within 2^-50 (as |w|·e^w ≤ |expm1(w)| for w
   * &lt; 0), its log adds an ulp. Below, log|expm1(w)| = log|w| − |w|/2 + O(w²/24), and log|w| =
   * log β + log(−log1p(−q)) is formed from logs, so that nothing underflows even for subnormal q:
   * within an ulp of each log and half an ulp of the sum, plus 2^-60.
   */
  static LogWithError logAbsExpm1OfScaledLog1mQ(double q, double beta) {
    double logBeta = StrictMath.log(beta);
    double logAbsLog1mQ = StrictMath.log(-StrictMath.log1p(-q));
    double logAbsW = logBeta + logAbsLog1mQ;
    if (logAbsW < -30 * StrictMath.log(2)) {
      double value = logAbsW - StrictMath.exp(logAbsW) / 2;
      return new LogWithError(
          value, 0x1p-50 * (Math.abs(logBeta) + Math.abs(logAbsLog1mQ) + 1) + 0x1p-60);
    }
    double value = StrictMath.log(-StrictMath.expm1(beta * StrictMath.log1p(-q)));
    return new LogWithError(value, 0x1p-49 + 0x1p-52 * Math.abs(value));
  }

  /** A computed logarithm and a bound on its distance from the exact one. */
  record LogWithError(double value, double error) {}

  /**
   * An upper bound on log c₀, c₀ = (1−q)^α − 1 + αq &gt; 0 (Bernoulli), for α &gt; 1 not an integer
   * and q in (0, 1). The closed form cancels when αq is small, and the binomial series Σ_{k≥2}
   * C(α,k)(−q)^k cancels catastrophically when αq is large (its terms grow to (αq)^k/k!), so each
   * is used only where it is well conditioned, with its error carried.
   *
   * <p><b>αq &lt; ½: the series, scaled by its first term.</b> c₀ = t₂(1 + s) with t₂ = α(α−1)q²/2
   * and s = Σ_{k≥3} r_k, r₃ = (2 − α)q/3, r_{k+1} = r_k·(k − α)q/(k + 1). The ratio |(k − α)q/(k +
   * 1)| is below αq/3 &lt; 1/6 while k &lt; α and below q &lt; ½ after, so |r_{k+1}| ≤ |r_k|/2
   * throughout and the tail after r_K is at most |r_K|. Each step rounds four times (2^-51 relative
   * per step, so r_k is within 2^-51·k of itself) and each addition half an ulp of the sum;
   * 2^-50·K·Σ|r_k| + |r_K| + 2^-1000 (for underflow) bounds the error of s. The first negative r is
   * r₃ &gt; −1/6 and the rest shrink by half, so 1 + s &gt; 2/3: log1p(s) is well conditioned.
   *
   * <p><b>αq ≥ ½: c₀ = (α − 1)q + (1 − q)·expm1((α − 1)·log(1 − q))</b>, an identity
   * ((1−q)·(1−q)^{α−1} − (1−q) + (α−1)q). (α − 1)q is within 2^-53 of itself, the second product
   * within 2^-49 (expm1 as in {@link #logAbsExpm1OfScaledLog1mQ}, one rounding for 1 − q, one for
   * the product), and their sum adds half an ulp, so c₀ is within 2^-48·(a + |b|) of the computed a
   * + b. The result is also capped by αq (≥ c₀, since (1 − q)^α ≤ 1).
   */
  static double logC0Above(double q, double alpha) {
    double y = alpha * q;
    if (y < 0.5) {
      double r = 1;
      double s = 0;
      double absSum = 0;
      int k = 2;
      do {
        r *= (k - alpha) * q / (k + 1);
        k++;
        s += r;
        absSum += Math.abs(r);
      } while (Math.abs(r) >= 0x1p-60);
      double sError = 0x1p-50 * k * absSum + Math.abs(r) + 0x1p-1000;
      double logT2 = StrictMath.log(0.5 * alpha * (alpha - 1));
      double logQ2 = 2 * StrictMath.log(q);
      double log1pS = StrictMath.log1p(RdpCurve.addRoundingUp(s, sError));
      double value = logT2 + logQ2 + log1pS;
      return RdpCurve.addRoundingUp(
          value, 0x1p-50 * (Math.abs(logT2) + Math.abs(logQ2) + Math.abs(log1pS) + 1));
    }
    double a = (alpha - 1) * q;
    double b = (1 - q) * StrictMath.expm1((alpha - 1) * StrictMath.log1p(-q));
    double c0 = Math.min(RdpCurve.addRoundingUp(a + b, 0x1p-48 * (a - b)), Math.nextUp(y));
    return Directed.above(StrictMath.log(c0));
  }
}
