package org.privspark.core.zk;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Σ s_j·P_j by Pippenger's bucket method (Bernstein et al., "Faster batch forgery identification",
 * INDOCRYPT 2012, §4; the form used by most batch verifiers). Scalars are cut into c-bit windows;
 * in each window, every point is added once into the bucket of its digit, and the buckets are
 * summed with a running sum, so one window costs about N + 2^(c+1) additions instead of N scalar
 * multiplications. Short scalars (the batch weights) have no digits in the high windows and cost
 * nothing there.
 *
 * <p>Not constant-time: it only ever handles public data (a verifier's inputs and its own random
 * weights, which need to be unpredictable to the prover, not secret afterwards).
 */
final class MultiScalarMul {
  private static final int WORDS = 4;

  private MultiScalarMul() {}

  /** Σ scalars[j]·points[j] for j &lt; count; scalars must be in [0, 2^256). */
  static ECPoint sum(ECPoint[] points, BigInteger[] scalars, int count) {
    long[] words = new long[count * WORDS];
    int maxBits = 0;
    for (int j = 0; j < count; j++) {
      BigInteger s = scalars[j];
      maxBits = Math.max(maxBits, s.bitLength());
      for (int w = 0; w < WORDS; w++) {
        words[j * WORDS + w] = s.shiftRight(64 * w).longValue();
      }
    }
    ECPoint infinity = P256.CURVE.getInfinity();
    if (maxBits == 0) {
      return infinity;
    }
    int c = window(count);
    int windows = (maxBits + c - 1) / c;
    ECPoint result = infinity;
    ECPoint[] buckets = new ECPoint[1 << c];
    for (int win = windows - 1; win >= 0; win--) {
      result = result.timesPow2(c);
      java.util.Arrays.fill(buckets, null);
      for (int j = 0; j < count; j++) {
        int d = digit(words, j, win * c, c);
        if (d != 0) {
          buckets[d] = buckets[d] == null ? points[j] : buckets[d].add(points[j]);
        }
      }
      // Σ d·bucket[d] as a sum of suffix sums: running = Σ_{e ≥ d} bucket[e].
      ECPoint running = infinity;
      ECPoint windowSum = infinity;
      for (int d = buckets.length - 1; d >= 1; d--) {
        if (buckets[d] != null) {
          running = running.add(buckets[d]);
        }
        windowSum = windowSum.add(running);
      }
      result = result.add(windowSum);
    }
    return result;
  }

  /** The c-bit digit of scalar j starting at bit {@code from}. */
  private static int digit(long[] words, int j, int from, int c) {
    int w = from >>> 6;
    int shift = from & 63;
    long bits = words[j * WORDS + w] >>> shift;
    if (shift + c > 64 && w + 1 < WORDS) {
      bits |= words[j * WORDS + w + 1] << (64 - shift);
    }
    return (int) (bits & ((1L << c) - 1));
  }

  /** The window width minimising ⌈256/c⌉·(N + 2^(c+1)) point additions. */
  static int window(int count) {
    int best = 1;
    double bestCost = Double.MAX_VALUE;
    for (int c = 1; c <= 16; c++) {
      double cost = Math.ceil(256.0 / c) * (count + Math.pow(2, c + 1));
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
    }
    return best;
  }
}
