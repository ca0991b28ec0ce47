package org.privspark.core.noise;

import java.math.BigInteger;

/**
 * Exact comparisons of a uniform U in [0, 1) with e^{−v} for integers 1 ≤ v ≤ {@value #MAX}, one
 * 64-bit word at a time, and the geometric count built on them.
 *
 * <p>The table holds C_v = ⌊e^{−v}·2^64⌋, computed once, exactly, from certified bounds on e^{−1}
 * (the alternating series Σ(−1)^k/k!, whose consecutive partial sums bracket e^{−1}). With U = 0.x
 * y₁ y₂ … in 64-bit words, x &lt; C_v implies U &lt; e^{−v} and x &gt; C_v implies U &gt; e^{−v};
 * only x = C_v (probability 2^-64) needs the next words of U, compared with the next words of
 * e^{−v}'s binary expansion, computed on demand in BigInteger. e^{−v} is irrational, so the
 * comparison always ends. One word thus replaces the chain of Bernoulli(1/k) trials that CKS
 * Algorithm 1 spends on each Bernoulli(e^{−1}), with the same (exact) distribution.
 *
 * <p>Stateless apart from the immutable table; thread-safe given one {@link NoiseSource} per
 * thread.
 */
final class ExpThresholds {
  /**
   * The largest v with a table entry; e^{−32}·2^64 ≈ 2^17.8, so every entry is distinct and &gt; 0.
   */
  static final int MAX = 32;

  private static final long[] THRESHOLD = new long[MAX + 1];

  static {
    for (int v = 1; v <= MAX; v++) {
      THRESHOLD[v] = floorScaled(v, 64).longValue(); // < 2^64: the low 64 bits are the value
    }
  }

  private ExpThresholds() {}

  /** ⌊e^{−v}·2^64⌋ as an unsigned long, for 1 ≤ v ≤ {@value #MAX}. */
  static long threshold(int v) {
    return THRESHOLD[v];
  }

  /**
   * Whether U &lt; e^{−v}, where U's first 64 bits are {@code x} and any further bits are drawn
   * from {@code source}; 1 ≤ v ≤ {@value #MAX}.
   */
  static boolean uniformBelow(NoiseSource source, long x, int v) {
    int cmp = Long.compareUnsigned(x, THRESHOLD[v]);
    if (cmp != 0) {
      return cmp < 0;
    }
    for (int word = 2; ; word++) {
      long next = source.nextLong();
      long digits = floorScaled(v, 64 * word).longValue(); // the low 64 bits: word number `word`
      cmp = Long.compareUnsigned(next, digits);
      if (cmp != 0) {
        return cmp < 0;
      }
    }
  }

  /** Bernoulli(e^{−v}) for 1 ≤ v ≤ {@value #MAX}: one fresh U compared with e^{−v}. */
  static boolean bernoulli(NoiseSource source, int v) {
    return uniformBelow(source, source.nextLong(), v);
  }

  /**
   * The number of successes of Bernoulli(e^{−1}) before the first failure: P(V ≥ v) = e^{−v}. With
   * one uniform U, V ≥ v exactly when U &lt; e^{−v}, so V is the number of thresholds e^{−1} &gt;
   * e^{−2} &gt; … that U falls below. Past {@value #MAX}, memorylessness (V − 32 given V ≥ 32 has
   * the law of V) lets a fresh U continue the count.
   */
  static long geometric(NoiseSource source) {
    long base = 0;
    while (true) {
      long x = source.nextLong();
      int v = 0;
      while (v < MAX && uniformBelow(source, x, v + 1)) {
        v++;
      }
      if (v < MAX) {
        return base + v;
      }
      base += MAX;
    }
  }

  /**
   * ⌊e^{−v}·2^bits⌋ exactly, for v ≥ 1 and bits ≥ 1. Bounds lo ≤ e^{−1}·2^p ≤ hi with p = bits +
   * guard are raised to the v-th power (rounding outward); when ⌊lo_v / 2^guard⌋ and ⌊hi_v /
   * 2^guard⌋ agree they are the answer, otherwise the guard doubles (e^{−v}·2^bits is never an
   * integer, so this ends).
   */
  static BigInteger floorScaled(int v, int bits) {
    for (int guard = 64; ; guard *= 2) {
      int p = bits + guard;
      BigInteger[] e = expMinusOneBounds(p);
      BigInteger lo = e[0];
      BigInteger hi = e[1];
      BigInteger loPow = lo;
      BigInteger hiPow = hi;
      for (int i = 1; i < v; i++) {
        loPow = loPow.multiply(lo).shiftRight(p); // floor: stays ≤ e^{−(i+1)}·2^p
        hiPow = ceilShift(hiPow.multiply(hi), p); // ceiling: stays ≥ e^{−(i+1)}·2^p
      }
      BigInteger low = loPow.shiftRight(guard);
      BigInteger high = hiPow.shiftRight(guard);
      if (low.equals(high)) {
        return low;
      }
    }
  }

  /**
   * Integers lo ≤ e^{−1}·2^p ≤ hi. The partial sums S_n = Σ_{k≤n} (−1)^k/k! alternate around e^{−1}
   * for n ≥ 1 with |S_n − e^{−1}| ≤ 1/(n+1)!; n is taken with (n+1)! &gt; 2^(p+2).
   */
  private static BigInteger[] expMinusOneBounds(int p) {
    int n = 2;
    BigInteger factorial = BigInteger.TWO; // n!
    while (factorial.multiply(BigInteger.valueOf(n + 1)).bitLength() <= p + 3) {
      n++;
      factorial = factorial.multiply(BigInteger.valueOf(n));
    }
    // S_n = A / n! with A = Σ_{k≤n} (−1)^k n!/k!; S_{n+1} = S_n + (−1)^{n+1}/(n+1)!.
    BigInteger a = BigInteger.ZERO;
    BigInteger ratio = BigInteger.ONE; // n!/k!, from k = n down to 0
    for (int k = n; k >= 0; k--) {
      a = (k % 2 == 0) ? a.add(ratio) : a.subtract(ratio);
      ratio = ratio.multiply(BigInteger.valueOf(k == 0 ? 1 : k));
    }
    BigInteger nextFactorial = factorial.multiply(BigInteger.valueOf(n + 1));
    BigInteger aNext =
        a.multiply(BigInteger.valueOf(n + 1))
            .add((n + 1) % 2 == 0 ? BigInteger.ONE : BigInteger.ONE.negate()); // S_{n+1}·(n+1)!
    BigInteger s1 = a.shiftLeft(p); // S_n·2^p·n!
    BigInteger s2 = aNext.shiftLeft(p); // S_{n+1}·2^p·(n+1)!
    BigInteger[] q1 = s1.divideAndRemainder(factorial);
    BigInteger[] q2 = s2.divideAndRemainder(nextFactorial);
    BigInteger floor1 = q1[0];
    BigInteger floor2 = q2[0];
    BigInteger ceil1 = q1[1].signum() == 0 ? floor1 : floor1.add(BigInteger.ONE);
    BigInteger ceil2 = q2[1].signum() == 0 ? floor2 : floor2.add(BigInteger.ONE);
    return new BigInteger[] {floor1.min(floor2), ceil1.max(ceil2)};
  }

  private static BigInteger ceilShift(BigInteger x, int shift) {
    BigInteger q = x.shiftRight(shift);
    return q.shiftLeft(shift).equals(x) ? q : q.add(BigInteger.ONE);
  }
}
