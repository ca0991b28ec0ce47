package org.privspark.core.noise;

import java.math.BigInteger;

/**
 * Exact Bernoulli trials with rational parameters, in integer arithmetic: Bernoulli(p) for p = n/d
 * and Bernoulli(exp(−γ)) for rational γ = n/d ≥ 0.
 *
 * <p><b>Reference.</b> Canonne, Kamath &amp; Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020 (arXiv:2004.00010), Algorithm 1.
 *
 * <p><b>Bernoulli(n/d)</b> compares a uniform U in [0, 1) with n/d exactly, in one of two ways that
 * give the same distribution: bit by bit against the binary expansion of n/d (2 random bits on
 * average; best when random bytes are expensive, as with {@link SecureRandomSource}), or a 64-bit
 * word at a time with one multiplication (fewer unpredictable branches; best when random bytes are
 * nearly free, as with the AES keystream of {@link KeyedStreamSource}). Both need d ≤ 2^62.
 *
 * <p>Stateless; thread-safe given one {@link NoiseSource} per thread.
 */
final class BernoulliExp {
  /** The largest denominator the long-arithmetic paths accept. */
  static final long MAX_DENOMINATOR = 1L << 62;

  private BernoulliExp() {}

  /**
   * Bernoulli(n/d) for 0 ≤ n, 1 ≤ d ≤ 2^62 (p = 1 when n ≥ d). A {@link BufferedNoiseSource} picks
   * the strategy that suits its cost model ({@link BufferedNoiseSource#bernoulli}); any other
   * source gets {@link #bernoulliByBits}.
   */
  static boolean bernoulli(NoiseSource source, long n, long d) {
    if (n >= d) {
      return true;
    }
    if (source instanceof BufferedNoiseSource buffered) {
      return buffered.bernoulli(n, d);
    }
    return bernoulliByBits(source, n, d);
  }

  /**
   * Bernoulli(n/d) for 0 ≤ n &lt; d ≤ 2^62, one random bit at a time: U = 0.b₁b₂… is compared with
   * the binary expansion of n/d (long division r ← 2r mod d); the first differing bit decides. Uses
   * 2 random bits on average, at the price of a data-dependent branch per bit.
   */
  static boolean bernoulliByBits(NoiseSource source, long n, long d) {
    long r = n;
    while (r != 0) {
      r <<= 1;
      boolean digit = r >= d;
      if (digit) {
        r -= d;
      }
      if (source.nextBoolean() != digit) {
        // First difference: U < n/d exactly when p has a 1 where U has a 0.
        return digit;
      }
    }
    // Every digit of n/d is used up and U agrees so far: U ≥ n/d (equality has probability 0).
    return false;
  }

  /**
   * Bernoulli(n/d) for 0 ≤ n &lt; d ≤ 2^62, 64 random bits at a time: with x the next word and U =
   * (x + W)/2^64 (W the later bits), U·d lies in [x·d/2^64, (x·d + d)/2^64). Let x·d = hi·2^64 +
   * lo. If hi ≥ n then U·d ≥ n (false); if hi ≤ n − 2 then U·d &lt; n (true); if hi = n − 1 the
   * answer is true when lo ≤ 2^64 − d, and otherwise it is U·d &lt; n ⇔ W·d &lt; 2^64 − lo, the
   * same question for the next word with n ← 2^64 − lo &lt; d. The last case has probability below
   * d/2^64, so one word and one multiplication nearly always decide.
   */
  static boolean bernoulliByWords(NoiseSource source, long n, long d) {
    long target = n;
    while (true) {
      long x = source.nextLong();
      long hi = Math.multiplyHigh(x, d) + ((x >> 63) & d); // unsigned high word; d > 0
      if (hi != target - 1) {
        return hi < target;
      }
      long lo = x * d;
      if (Long.compareUnsigned(lo, -d) <= 0) {
        return true;
      }
      target = -lo; // 2^64 − lo, in (0, d)
    }
  }

  /**
   * Bernoulli(exp(−n/d)) for n ≥ 0, 1 ≤ d ≤ 2^62: Bernoulli(exp(−⌊n/d⌋)) (one table comparison per
   * 32 units of ⌊n/d⌋, see {@link ExpThresholds}; independent trials multiply), then
   * Bernoulli(exp(−(n mod d)/d)) by Algorithm 1.
   */
  static boolean exp(NoiseSource source, long n, long d) {
    long whole = n / d;
    while (whole > 0) {
      int step = (int) Math.min(whole, ExpThresholds.MAX);
      if (!ExpThresholds.bernoulli(source, step)) {
        return false;
      }
      whole -= step;
    }
    return expFraction(source, n % d, d);
  }

  /**
   * Bernoulli(exp(−n/d)) for 0 ≤ n ≤ d ≤ 2^62 (γ in [0, 1]), Algorithm 1 of Canonne, Kamath &amp;
   * Steinke: K ← 1; repeat { A ← Bernoulli(γ/K); if A = 0 stop; K ← K + 1 }; return [K odd].
   */
  static boolean expFraction(NoiseSource source, long n, long d) {
    if (n == 0) {
      return true;
    }
    long k = 1;
    while (bernoulliOverK(source, n, d, k)) {
      k++;
    }
    return (k & 1) == 1;
  }

  /**
   * Bernoulli(exp(−1)), by one exact table comparison ({@link ExpThresholds}); Algorithm 1 at γ = 1
   * would spend e − 1 ≈ 1.7 Bernoulli(1/k) trials on average instead.
   */
  static boolean expMinusOne(NoiseSource source) {
    return ExpThresholds.bernoulli(source, 1);
  }

  /**
   * Bernoulli(n/(d·k)); as two independent trials Bernoulli(n/d)·Bernoulli(1/k) when d·k &gt; 2^62.
   */
  private static boolean bernoulliOverK(NoiseSource source, long n, long d, long k) {
    if (k == 1) {
      return bernoulli(source, n, d);
    }
    long product = d * k;
    if (Math.multiplyHigh(d, k) == 0 && product > 0 && product <= MAX_DENOMINATOR) {
      return bernoulli(source, n, product);
    }
    return bernoulli(source, n, d) && bernoulli(source, 1, k);
  }

  // ---- Arbitrary precision, for the rare arguments that do not fit the long paths. ----

  /** Bernoulli(exp(−n/d)) for BigInteger n ≥ 0, d ≥ 1. */
  static boolean exp(NoiseSource source, BigInteger n, BigInteger d) {
    BigInteger[] qr = n.divideAndRemainder(d);
    BigInteger whole = qr[0];
    BigInteger step = BigInteger.valueOf(ExpThresholds.MAX);
    while (whole.signum() > 0) {
      int v = whole.compareTo(step) >= 0 ? ExpThresholds.MAX : whole.intValue();
      if (!ExpThresholds.bernoulli(source, v)) {
        return false;
      }
      whole = whole.subtract(BigInteger.valueOf(v));
    }
    BigInteger rem = qr[1];
    if (d.bitLength() <= 62) {
      return expFraction(source, rem.longValueExact(), d.longValueExact());
    }
    if (rem.signum() == 0) {
      return true;
    }
    long k = 1;
    while (bernoulli(source, rem, d.multiply(BigInteger.valueOf(k)))) {
      k++;
    }
    return (k & 1) == 1;
  }

  /** Bernoulli(n/d) for BigInteger 0 ≤ n, d ≥ 1, by comparing with a uniform draw in [0, d). */
  static boolean bernoulli(NoiseSource source, BigInteger n, BigInteger d) {
    if (n.compareTo(d) >= 0) {
      return true;
    }
    return uniform(source, d).compareTo(n) < 0;
  }

  /** A uniform BigInteger in [0, bound), by rejection from bound.bitLength() random bits. */
  static BigInteger uniform(NoiseSource source, BigInteger bound) {
    int bits = bound.bitLength();
    int words = (bits + 63) / 64;
    byte[] bytes = new byte[words * 8 + 1]; // leading zero byte keeps the value non-negative
    while (true) {
      for (int w = 0; w < words; w++) {
        long x = source.nextLong();
        if (w == 0 && bits % 64 != 0) {
          x &= (1L << (bits % 64)) - 1; // keep only the top word's needed bits
        }
        for (int b = 0; b < 8; b++) {
          bytes[1 + w * 8 + b] = (byte) (x >>> (56 - 8 * b));
        }
      }
      BigInteger candidate = new BigInteger(bytes);
      if (candidate.compareTo(bound) < 0) {
        return candidate;
      }
    }
  }
}
