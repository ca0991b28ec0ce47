package org.privspark.core.accounting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * High-precision reference values of the sampled Gaussian's RDP, sharing no code with {@link
 * SampledGaussianRdp}, to check that it never understates: a double at or above one of these values
 * is at or above the exact ε(α) (they are within 1e-30 relative of it, far closer than any double
 * the accountant returns, whose rounding margins are at least 2^-52).
 *
 * <p><b>Integer α</b>: A_α = Σ_k C(α,k)(1−q)^{α−k} q^k e^{(k²−k)/(2σ²)} (Mironov, Talwar &amp;
 * Zhang 2019, §3.3) in 80 digits.
 *
 * <p><b>Any α</b>: the trapezoidal rule, in 50 digits, on A_α − 1 = ∫ F with F = μ₀(z)·[(1+u)^α − 1
 * − αu], u = q(e^{(2z−1)/(2σ²)} − 1), which is ≥ 0 (convexity) and integrates to A_α − 1 because
 * ∫μ₀u = 0, so nothing cancels. F is analytic in the strip |Im z| &lt; πσ²/2 (there 1 + u keeps a
 * positive real part, so the principal power is analytic), and on a line Im z = y in it |F(x + iy)|
 * ≤ e^{y²/(2σ²)}·μ₀(x)·((1 + u(x))^α + 1 + αq(1 + e^{(2x−1)/(2σ²)})), whose integral is
 * e^{y²/(2σ²)}·(A_α + 1 + 2αq). For such functions the trapezoidal rule with step h errs by at most
 * 2M/(e^{2πd/h} − 1) (Trefethen &amp; Weideman 2014, "The exponentially convergent trapezoidal
 * rule", Thm. 5.1), M the largest of those integrals for |y| &lt; d. With h = σ²/16 below σ = 4 and
 * σ/4 above, and d = min(1.4σ², 8πσ), e^{d²/(2σ²) − 2πd/h} is below e^-125, so the error is below
 * 1e-50·(A_α + 1 + 2αq). The integral is cut to [−40σ, α + 40σ]: outside, (1 + u)^α is below 2^α
 * times (1 − q)^α or (q·e^{(2z−1)/(2σ²)})^α, whose μ₀-weighted tails are e^-800 of their total
 * mass, at most A_α (negligible for the orders used here, up to about 1000). Nodes whose
 * double-precision log-integrand is more than 90 below the largest are skipped (fewer than 1e6 of
 * them, each below e^-90 of the largest node).
 */
final class SampledGaussianReference {
  private static final MathContext MC = new MathContext(50, RoundingMode.HALF_EVEN);
  private static final MathContext EXACT = HighPrecision.MC;
  private static final BigDecimal PI = HighPrecision.PI;
  private static final BigDecimal LN2 = HighPrecision.log(BigDecimal.valueOf(2)); // 80 digits
  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  private static final BigDecimal TWO_TO_MINUS_10 = new BigDecimal("0.0009765625");
  private static final int TAYLOR_TERMS = 14;
  private static final BigDecimal[] INVERSE_FACTORIALS = new BigDecimal[TAYLOR_TERMS + 1];

  static {
    BigDecimal factorial = BigDecimal.ONE;
    for (int n = 0; n <= TAYLOR_TERMS; n++) {
      factorial = factorial.multiply(BigDecimal.valueOf(Math.max(n, 1)));
      INVERSE_FACTORIALS[n] = BigDecimal.ONE.divide(factorial, EXACT);
    }
  }

  private SampledGaussianReference() {}

  /** ε(α) for integer α ≥ 2, from the binomial expansion in 80 digits. */
  static BigDecimal integerRdp(double q, double sigma, int alpha) {
    BigDecimal bq = new BigDecimal(q);
    BigDecimal oneMinusQ = BigDecimal.ONE.subtract(bq);
    BigDecimal twoSigmaSquared = new BigDecimal(sigma).pow(2).multiply(BigDecimal.valueOf(2));
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal binomial = BigDecimal.ONE;
    for (int k = 0; k <= alpha; k++) {
      if (k > 0) {
        binomial =
            binomial
                .multiply(BigDecimal.valueOf(alpha - k + 1))
                .divide(BigDecimal.valueOf(k), EXACT);
      }
      BigDecimal exponent = BigDecimal.valueOf((long) k * k - k).divide(twoSigmaSquared, EXACT);
      sum =
          sum.add(
              binomial
                  .multiply(oneMinusQ.pow(alpha - k, EXACT), EXACT)
                  .multiply(bq.pow(k, EXACT), EXACT)
                  .multiply(HighPrecision.exp(exponent), EXACT),
              EXACT);
    }
    return HighPrecision.log(sum).divide(BigDecimal.valueOf(alpha - 1), EXACT);
  }

  /** ε(α) for any α &gt; 1 and q in (0, 1), by the trapezoidal rule in 50 digits (see above). */
  static BigDecimal rdp(double q, double sigma, double alpha) {
    double h = sigma < 4 ? sigma * sigma / 16 : sigma / 4;
    double lo = -40 * sigma;
    int nodes = (int) Math.ceil((alpha + 40 * sigma - lo) / h) + 1;
    boolean[] kept = new boolean[nodes];
    double[] logF = new double[nodes];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < nodes; j++) {
      logF[j] = RenyiQuadrature.logIntegrand(q, sigma, alpha, lo + j * h);
      max = Math.max(max, logF[j]);
    }
    int first = -1;
    int last = -1;
    for (int j = 0; j < nodes; j++) {
      // A NaN from the double estimate is computed exactly; so is a −∞ (an underflow) unless
      // the largest node is so large that an underflowed one cannot matter.
      kept[j] = !(logF[j] < max - 90 && (logF[j] > Double.NEGATIVE_INFINITY || max > -600));
      if (kept[j]) {
        first = first < 0 ? j : first;
        last = j;
      }
    }
    BigDecimal bq = new BigDecimal(q);
    BigDecimal ba = new BigDecimal(alpha);
    BigDecimal bh = new BigDecimal(h);
    BigDecimal twoSigmaSq = new BigDecimal(sigma).pow(2).multiply(TWO);
    BigDecimal norm = new BigDecimal(sigma).multiply(PI.multiply(TWO).sqrt(MC), MC);
    // Along the nodes z_j = lo + jh: e^{w_j}, w = (2z − 1)/(2σ²), grows by e^{h/σ²} per step;
    // e^{−z²/(2σ²)} by τ_j = e^{−(2z_j h + h²)/(2σ²)}, which itself shrinks by e^{−h²/σ²}. The
    // roundings of up to 10^6 such steps cost about six of the fifty digits.
    BigDecimal z = new BigDecimal(lo).add(bh.multiply(BigDecimal.valueOf(first)));
    BigDecimal ew = exp(z.multiply(TWO).subtract(BigDecimal.ONE).divide(twoSigmaSq, MC));
    BigDecimal gauss = exp(z.multiply(z).negate().divide(twoSigmaSq, MC));
    BigDecimal tau =
        exp(z.multiply(bh).multiply(TWO).add(bh.multiply(bh)).negate().divide(twoSigmaSq, MC));
    BigDecimal rho = exp(bh.multiply(TWO).divide(twoSigmaSq, MC));
    BigDecimal kappa = exp(bh.multiply(bh).multiply(TWO).negate().divide(twoSigmaSq, MC));
    BigDecimal sum = BigDecimal.ZERO;
    for (int j = first; j <= last; j++) {
      if (kept[j]) {
        BigDecimal u = bq.multiply(ew.subtract(BigDecimal.ONE), MC);
        sum = sum.add(gauss.multiply(convexRemainder(ba, u), MC), MC);
      }
      ew = ew.multiply(rho, MC);
      gauss = gauss.multiply(tau, MC);
      tau = tau.multiply(kappa, MC);
    }
    BigDecimal aMinus1 = sum.multiply(bh, MC).divide(norm, MC);
    return log(BigDecimal.ONE.add(aMinus1, MC)).divide(ba.subtract(BigDecimal.ONE), MC);
  }

  /**
   * (1+u)^α − 1 − αu: directly when α|u| ≥ 1e-6 (the subtraction then costs at most 13 of the fifty
   * digits), else by the binomial series Σ_{k≥2} C(α,k) u^k, whose terms shrink by α|u|.
   */
  private static BigDecimal convexRemainder(BigDecimal alpha, BigDecimal u) {
    if (u.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal alphaU = alpha.multiply(u, MC);
    if (alphaU.abs().compareTo(new BigDecimal("1e-6")) >= 0) {
      BigDecimal power = exp(alpha.multiply(log(BigDecimal.ONE.add(u, MC)), MC));
      return power.subtract(BigDecimal.ONE, MC).subtract(alphaU, MC);
    }
    BigDecimal term = alphaU; // C(α,1) u
    BigDecimal sum = BigDecimal.ZERO;
    for (int k = 2; ; k++) {
      term =
          term.multiply(alpha.subtract(BigDecimal.valueOf(k - 1)), MC)
              .multiply(u, MC)
              .divide(BigDecimal.valueOf(k), MC);
      sum = sum.add(term, MC);
      if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(52)) < 0) {
        return sum;
      }
    }
  }

  /**
   * e^x in 50 digits: x = k·ln 2 + r with |r| ≤ 0.35 (ln 2 to 80 digits), e^r as (e^{r/1024})^1024
   * with 14 Taylor terms (|r/1024|^15/15! &lt; 1e-63; the ten squarings cost three digits), times
   * 2^k.
   */
  static BigDecimal exp(BigDecimal x) {
    long k = Math.round(x.doubleValue() / Math.log(2));
    BigDecimal r = x.subtract(LN2.multiply(BigDecimal.valueOf(k)), MC).multiply(TWO_TO_MINUS_10);
    BigDecimal power = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    for (int n = 1; n <= TAYLOR_TERMS; n++) {
      power = power.multiply(r, MC);
      sum = sum.add(power.multiply(INVERSE_FACTORIALS[n], MC), MC);
    }
    for (int i = 0; i < 10; i++) {
      sum = sum.multiply(sum, MC);
    }
    return sum.multiply(TWO.pow(Math.toIntExact(k), MC), MC);
  }

  /**
   * log x for x &gt; 0: from the double estimate y₀ (within 1e-15·max(1, |y₀|)), x·e^{−y₀} = 1 + δ
   * and log(1 + δ) = Σ_{n≤6} (−1)^{n+1} δ^n/n, to within δ^7 &lt; 1e-70 while |y₀| &lt; 1e5.
   */
  static BigDecimal log(BigDecimal x) {
    int decimalExponent = x.precision() - x.scale() - 1; // x = m·10^e, m in [1, 10)
    double m = x.scaleByPowerOfTen(-decimalExponent).doubleValue();
    BigDecimal y = new BigDecimal(Math.log(m) + decimalExponent * Math.log(10));
    BigDecimal delta = x.multiply(exp(y.negate()), MC).subtract(BigDecimal.ONE);
    BigDecimal power = delta;
    BigDecimal series = BigDecimal.ZERO;
    for (int n = 1; n <= 6; n++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(n), MC);
      series = n % 2 == 1 ? series.add(term, MC) : series.subtract(term, MC);
      power = power.multiply(delta, MC);
    }
    return y.add(series, MC);
  }
}
