package org.privspark.core.noise;

import java.math.BigInteger;
import org.privspark.core.Check;

/**
 * Exact samples of the discrete Gaussian N_Z(0, σ²): P(X = x) ∝ exp(−x²/(2σ²)) for every integer x,
 * with σ² an exact rational num/den.
 *
 * <p><b>Guarantee.</b> Added to an integer query of L2 sensitivity Δ, the noise gives ½(Δ/σ)²-zCDP,
 * i.e. Rényi DP ε(α) = αΔ²/(2σ²) (Canonne, Kamath &amp; Steinke 2020, Thm. 4; for a vector of
 * independent coordinates the same bound holds with Δ the L2 norm of the shift). The sampler is
 * exact: integer arithmetic and exact Bernoulli trials only, no floating point.
 *
 * <p><b>Reference.</b> Canonne, Kamath &amp; Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020 (arXiv:2004.00010), Algorithm 3: t ← ⌊σ⌋ + 1; repeat { Y ← discrete
 * Laplace with scale t; γ ← (|Y| − σ²/t)² / (2σ²); accept Y with probability exp(−γ) }.
 *
 * <p><b>Arithmetic.</b> With c = σ²/t = c_n/c_d in lowest terms, γ = (|Y|·c_d − c_n)² · f_n/f_d,
 * where f_n/f_d = den/(2·num·c_d²) in lowest terms. When c_n, c_d, f_n fit in a long and f_d ≤
 * 2^62, γ is evaluated in long arithmetic with overflow checks and nothing is allocated; a sample
 * whose numerator would overflow (a far tail of the Laplace proposal) falls back to {@link
 * BigInteger}, as do parameters that do not fit at all. The fast path is guaranteed when σ²/t is an
 * integer below 2^61, for example when σ² = t(t − 1) (the form {@code GaussianMechanism} chooses);
 * then γ = (|Y| − (t − 1))² / (2t(t − 1)).
 *
 * <p>Immutable and thread-safe; the {@link NoiseSource} is not.
 */
public final class DiscreteGaussianSampler implements IntegerNoiseSampler {
  private static final BigInteger MAX_FAST_DENOMINATOR =
      BigInteger.valueOf(BernoulliExp.MAX_DENOMINATOR);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final BigInteger num;
  private final BigInteger den;
  private final DiscreteLaplaceSampler laplace;
  // γ = (|Y|·cd − cn)² · fn / fd
  private final BigInteger bigCn;
  private final BigInteger bigCd;
  private final BigInteger bigFn;
  private final BigInteger bigFd;
  private final boolean fast;
  private final long cn;
  private final long cd;
  private final long fn;
  private final long fd;
  private final double variance;

  private DiscreteGaussianSampler(BigInteger num, BigInteger den) {
    BigInteger g = num.gcd(den);
    this.num = num.divide(g);
    this.den = den.divide(g);
    // ⌊σ⌋ = ⌊√⌊num/den⌋⌋, exact.
    BigInteger t = this.num.divide(this.den).sqrt().add(BigInteger.ONE);
    if (t.compareTo(BigInteger.valueOf(DiscreteLaplaceSampler.MAX_SCALE)) > 0) {
      throw new IllegalArgumentException(
          "sigma squared must be below 2^104; got " + this.num + "/" + this.den);
    }
    this.laplace = DiscreteLaplaceSampler.withScale(t.longValueExact());
    BigInteger[] c = reduce(this.num, this.den.multiply(t));
    this.bigCn = c[0];
    this.bigCd = c[1];
    BigInteger[] f = reduce(this.den, this.num.shiftLeft(1).multiply(bigCd).multiply(bigCd));
    this.bigFn = f[0];
    this.bigFd = f[1];
    this.fast =
        bigCn.compareTo(LONG_MAX) <= 0
            && bigCd.compareTo(LONG_MAX) <= 0
            && bigFn.compareTo(LONG_MAX) <= 0
            && bigFd.compareTo(MAX_FAST_DENOMINATOR) <= 0;
    this.cn = fast ? bigCn.longValue() : 0;
    this.cd = fast ? bigCd.longValue() : 0;
    this.fn = fast ? bigFn.longValue() : 0;
    this.fd = fast ? bigFd.longValue() : 0;
    this.variance = computeVariance(this.num.doubleValue() / this.den.doubleValue());
  }

  /**
   * A sampler for σ² = {@code num}/{@code den} exactly.
   *
   * @param num numerator, &ge; 1
   * @param den denominator, &ge; 1
   * @throws IllegalArgumentException if either is below 1 or σ ≥ 2^52
   */
  public static DiscreteGaussianSampler withSigmaSquared(long num, long den) {
    Check.atLeastOne("num", num);
    Check.atLeastOne("den", den);
    return new DiscreteGaussianSampler(BigInteger.valueOf(num), BigInteger.valueOf(den));
  }

  /** A sampler for the integer σ² = {@code sigmaSquared}. */
  public static DiscreteGaussianSampler withSigmaSquared(long sigmaSquared) {
    return withSigmaSquared(sigmaSquared, 1);
  }

  /** σ² as a double (rounded to nearest). */
  public double sigmaSquared() {
    return num.doubleValue() / den.doubleValue();
  }

  /** The scale t = ⌊σ⌋ + 1 of the discrete Laplace proposal. */
  public long laplaceScale() {
    return laplace.scale();
  }

  /** Whether γ is evaluated in long arithmetic (no allocation on the common path). */
  boolean usesLongArithmetic() {
    return fast;
  }

  /** One exact sample. */
  public long sample(NoiseSource source) {
    while (true) {
      long y = laplace.sample(source);
      long ay = Math.abs(y);
      if (fast) {
        long numerator = gammaNumerator(ay);
        if (numerator >= 0) {
          if (BernoulliExp.exp(source, numerator, fd)) {
            return y;
          }
          continue;
        }
      }
      BigInteger a = BigInteger.valueOf(ay).multiply(bigCd).subtract(bigCn);
      if (BernoulliExp.exp(source, a.multiply(a).multiply(bigFn), bigFd)) {
        return y;
      }
    }
  }

  /** Fills {@code out} with independent samples. */
  public void sample(NoiseSource source, long[] out) {
    Check.notNull("out", out);
    for (int i = 0; i < out.length; i++) {
      out[i] = sample(source);
    }
  }

  /** (|y|·cd − cn)²·fn in long arithmetic, or −1 when any step would overflow. */
  private long gammaNumerator(long ay) {
    long scaled = ay * cd;
    if (Math.multiplyHigh(ay, cd) != 0 || scaled < 0) {
      return -1;
    }
    long a = Math.abs(scaled - cn); // both in [0, 2^63): the difference cannot overflow
    long square = a * a;
    if (Math.multiplyHigh(a, a) != 0 || square < 0) {
      return -1;
    }
    long result = square * fn;
    if (Math.multiplyHigh(square, fn) != 0 || result < 0) {
      return -1;
    }
    return result;
  }

  /**
   * The variance of N_Z(0, σ²), which is below σ² (Canonne, Kamath &amp; Steinke 2020 bound it by
   * σ²; the gap is tiny once σ ≥ 1). Computed to double precision: by direct summation of the pmf
   * for σ² &lt; 1, otherwise from the Poisson summation formula Var = σ² − 8π²σ⁴ Σ_{k≥1} k²
   * e^{−2π²σ²k²} / (1 + 2 Σ_{k≥1} e^{−2π²σ²k²}), whose correction is below 8π²σ²e^{−2π²σ²} relative
   * to σ² (about 2e-7 at σ = 1 and below 1e-300 from σ = 6 on).
   */
  public double variance() {
    return variance;
  }

  /** The variance of N_Z(0, s) for s = σ² &gt; 0 (see {@link #variance()}). */
  public static double variance(double sigmaSquared) {
    Check.positiveFinite("sigmaSquared", sigmaSquared);
    return computeVariance(sigmaSquared);
  }

  private static double computeVariance(double s) {
    if (s < 1) {
      // Terms beyond |y| = 40σ + 2 are below e^{-800} relative to the centre.
      long limit = (long) Math.ceil(40 * Math.sqrt(s)) + 2;
      double mass = 1; // y = 0
      double second = 0;
      for (long y = 1; y <= limit; y++) {
        double w = Math.exp(-(double) y * y / (2 * s));
        mass += 2 * w;
        second += 2 * (double) y * y * w;
      }
      return second / mass;
    }
    double phi = 1;
    double weighted = 0;
    for (int k = 1; k <= 50; k++) {
      double term = Math.exp(-2 * Math.PI * Math.PI * s * k * k);
      if (term == 0) {
        break;
      }
      phi += 2 * term;
      weighted += (double) k * k * term;
    }
    return s - 8 * Math.PI * Math.PI * s * s * weighted / phi;
  }

  private static BigInteger[] reduce(BigInteger n, BigInteger d) {
    BigInteger g = n.gcd(d);
    return new BigInteger[] {n.divide(g), d.divide(g)};
  }

  @Override
  public String toString() {
    return "DiscreteGaussianSampler[sigmaSquared=" + num + "/" + den + "]";
  }
}
