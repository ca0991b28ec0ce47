package org.privspark.core.noise;

import org.privspark.core.Check;

/**
 * Exact Bernoulli trials for a probability given as a {@code double}.
 *
 * <p>Every double p in [0, 1] is a dyadic rational M·2^−s (M a non-negative integer below 2^53, s ≤
 * 1074), so "U &lt; p" for a uniform U in [0, 1) can be decided exactly from the first s bits of U:
 * the s − bitLength(M) leading bits must all be 0 (a 1 makes U &gt; p), and the next bitLength(M)
 * bits, read as an integer x, decide by x &lt; M (x = M means U ≥ p, as every later bit of p is 0).
 * No floating-point rounding enters the decision, unlike {@code nextDouble() < p}, whose 53-bit
 * uniform cannot represent probabilities below 2^−53 and rounds the others.
 *
 * <p>Cost: one 64-bit word for the leading zeros in nearly all cases (each further word is needed
 * with probability 2^−64), and one word for the comparison.
 *
 * <p>Stateless; thread-safe given one {@link NoiseSource} per thread.
 */
public final class Bernoulli {
  private static final int MANTISSA_BITS = 52;
  private static final long MANTISSA_MASK = (1L << MANTISSA_BITS) - 1;

  /** s for subnormals: p = M·2^−1074. */
  private static final int SUBNORMAL_SCALE = 1074;

  private Bernoulli() {}

  /**
   * True with probability exactly {@code p}.
   *
   * @param p in [0, 1]
   * @throws IllegalArgumentException if p is NaN or outside [0, 1]
   */
  public static boolean sample(double p, NoiseSource source) {
    Check.inClosed("p", p, 0.0, 1.0);
    Check.notNull("source", source);
    if (p == 1.0) {
      return true;
    }
    if (p == 0.0) {
      return false;
    }
    long bits = Double.doubleToRawLongBits(p);
    int biasedExponent = (int) (bits >>> MANTISSA_BITS);
    long m;
    int scale;
    if (biasedExponent == 0) {
      m = bits & MANTISSA_MASK;
      scale = SUBNORMAL_SCALE;
    } else {
      m = (bits & MANTISSA_MASK) | (1L << MANTISSA_BITS);
      scale = SUBNORMAL_SCALE + 1 - biasedExponent;
    }
    // Trailing zeros of M carry no information; dropping them keeps the comparison short.
    int trailing = Long.numberOfTrailingZeros(m);
    m >>>= trailing;
    scale -= trailing;
    int significantBits = Long.SIZE - Long.numberOfLeadingZeros(m);
    if (!leadingBitsAllZero(scale - significantBits, source)) {
      return false;
    }
    long x = source.nextLong() >>> (Long.SIZE - significantBits);
    return x < m;
  }

  /** Draws {@code count} bits and reports whether all are 0, stopping at the first 1. */
  private static boolean leadingBitsAllZero(int count, NoiseSource source) {
    int remaining = count;
    while (remaining >= Long.SIZE) {
      if (source.nextLong() != 0) {
        return false;
      }
      remaining -= Long.SIZE;
    }
    return remaining == 0 || source.nextLong() >>> (Long.SIZE - remaining) == 0;
  }
}
