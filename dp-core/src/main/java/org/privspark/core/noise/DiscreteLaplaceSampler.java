package org.privspark.core.noise;

import org.privspark.core.Check;

/**
 * Exact samples of the discrete Laplace distribution with integer scale t: P(X = x) = (1 −
 * e^{−1/t}) / (1 + e^{−1/t}) · e^{−|x|/t} for every integer x.
 *
 * <p><b>Guarantee.</b> Added to an integer query of L1 sensitivity Δ, the noise gives pure
 * (Δ/t)-DP. The sampler is exact: it uses only integer arithmetic and exact Bernoulli trials, so
 * the output distribution is the discrete Laplace to the last bit; no floating-point value ever
 * influences the sample (which is what defeats the attacks of Mironov 2012 on floating-point
 * Laplace noise).
 *
 * <p><b>Reference.</b> Canonne, Kamath &amp; Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020 (arXiv:2004.00010), Algorithm 2 with s = 1: U ← uniform{0, …, t−1}; reject
 * unless Bernoulli(exp(−U/t)); V ← number of successes of Bernoulli(exp(−1)) before the first
 * failure; X ← U + t·V; B ← a fair bit; reject if B = 1 and X = 0; return (1 − 2B)·X.
 *
 * <p><b>Cost.</b> 1/(1 − e^{−1}) ≈ 1.58 attempts on average, each one bounded uniform long and
 * Bernoulli(exp(−U/t)) by Algorithm 1 (about 1.5 rational Bernoulli trials); V, the geometric count
 * of Bernoulli(e^{−1}) successes, takes one 64-bit word compared with an exact table of e^{−v}
 * ({@code ExpThresholds}) instead of a chain of trials. No allocation.
 *
 * <p><b>Range.</b> t ≤ 2^52 ({@link #MAX_SCALE}). A sample beyond the long range would need more
 * than 2^11 consecutive successes of Bernoulli(e^{−1}) (probability below e^{−2048}); should it
 * ever happen, {@link #sample} throws {@link ArithmeticException} rather than return a wrong value.
 *
 * <p>Immutable and thread-safe; the {@link NoiseSource} is not.
 */
public final class DiscreteLaplaceSampler implements IntegerNoiseSampler {
  /** The largest supported scale, 2^52. */
  public static final long MAX_SCALE = 1L << 52;

  private final long scale;

  private DiscreteLaplaceSampler(long scale) {
    this.scale = scale;
  }

  /**
   * A sampler for scale t, that is P(x) ∝ exp(−|x|/t).
   *
   * @param scale t, in [1, 2^52]
   * @throws IllegalArgumentException if {@code scale} is outside [1, 2^52]
   */
  public static DiscreteLaplaceSampler withScale(long scale) {
    if (scale < 1 || scale > MAX_SCALE) {
      throw new IllegalArgumentException("scale must be in [1, 2^52]; got " + scale);
    }
    return new DiscreteLaplaceSampler(scale);
  }

  /** The scale t. */
  public long scale() {
    return scale;
  }

  /** One exact sample. */
  public long sample(NoiseSource source) {
    final long t = scale;
    while (true) {
      long u = source.nextLong(t);
      if (!BernoulliExp.expFraction(source, u, t)) {
        continue;
      }
      long v = ExpThresholds.geometric(source);
      long x = u + multiplyExactOrThrow(t, v);
      if (x < 0) {
        throw new ArithmeticException("discrete Laplace sample exceeds the long range");
      }
      boolean negative = source.nextBoolean();
      if (negative && x == 0) {
        continue;
      }
      return negative ? -x : x;
    }
  }

  /** Fills {@code out} with independent samples. */
  public void sample(NoiseSource source, long[] out) {
    Check.notNull("out", out);
    for (int i = 0; i < out.length; i++) {
      out[i] = sample(source);
    }
  }

  /** The exact variance 2e^{−1/t} / (1 − e^{−1/t})². */
  public double variance() {
    return variance(scale);
  }

  /** The exact variance of the discrete Laplace with scale t: 2e^{−1/t} / (1 − e^{−1/t})². */
  public static double variance(double scale) {
    Check.positiveFinite("scale", scale);
    double q = Math.exp(-1 / scale);
    double oneMinusQ = -Math.expm1(-1 / scale);
    return 2 * q / (oneMinusQ * oneMinusQ);
  }

  /**
   * The smallest m ≥ 0 with P(|X| &gt; m) ≤ 1 − level, from the exact tail P(|X| ≥ m + 1) =
   * 2q^{m+1}/(1 + q), q = e^{−1/t}; rounded up by a relative 1e-9 so that floating-point error
   * never shrinks the interval.
   *
   * @param level in (0, 1)
   */
  public long quantile(double level) {
    Check.inOpen("level", level, 0.0, 1.0);
    double alpha = 1 - level;
    double q = Math.exp(-1.0 / scale);
    double logRatio = Math.log(2) - Math.log(alpha) - Math.log1p(q);
    if (logRatio <= 0) {
      return 0;
    }
    double m = Math.ceil(scale * logRatio * (1 + 1e-9)) - 1;
    return Math.max(0, (long) m);
  }

  private static long multiplyExactOrThrow(long t, long v) {
    long product = t * v;
    if (Math.multiplyHigh(t, v) != 0 || product < 0) {
      throw new ArithmeticException("discrete Laplace sample exceeds the long range");
    }
    return product;
  }

  @Override
  public String toString() {
    return "DiscreteLaplaceSampler[scale=" + scale + "]";
  }
}
