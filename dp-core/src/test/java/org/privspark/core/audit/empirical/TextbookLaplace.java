package org.privspark.core.audit.empirical;

import java.util.Random;

/**
 * The attacked strawman of {@link FloatingPointAttackTest}: the textbook Laplace mechanism in
 * doubles, x + s·b·ln(u) with u uniform in (0, 1] and s a random sign, exactly as Mironov (CCS
 * 2012, §3) describes the implementations he broke. Test code only; it never releases anything,
 * which is the one reason it may draw from {@link java.util.Random}.
 *
 * <p><b>Its flaw.</b> u is a multiple of 2^-53, and ln, the product and the sum each round, so the
 * outputs reachable from an input x are a sparse, x-dependent set of doubles. {@link #reachable}
 * decides membership exactly: every step is monotone in u (StrictMath.log is semi-monotonic, and
 * rounding a product or a sum is monotone), so a binary search over the 2^53 possible u finds the
 * one candidate that could have produced a given output.
 */
final class TextbookLaplace {
  private static final long U_STEPS = 1L << 53;

  private final double scale;
  private final Random random;

  TextbookLaplace(double scale, long seed) {
    this.scale = scale;
    this.random = new Random(seed);
  }

  /** One release of x. */
  double release(double x) {
    double u = 1.0 - random.nextDouble(); // (0, 1]: k·2^-53 for k in [1, 2^53], exactly
    double y = scale * StrictMath.log(u); // ≤ 0
    return random.nextBoolean() ? x + y : x - y;
  }

  /** Whether {@link #release}(x) can return z, for some u and sign. */
  boolean reachable(double x, double z) {
    return reachable(x, z, false) || reachable(x, z, true);
  }

  /** The output for u = k·2^-53 on the branch x + y (minus = false) or x − y (minus = true). */
  private double output(double x, long k, boolean minus) {
    double y = scale * StrictMath.log(k * 0x1p-53);
    return minus ? x - y : x + y;
  }

  private boolean reachable(double x, double z, boolean minus) {
    // x + y grows with k and x − y shrinks with k: find the first k whose output is at or past z.
    long lo = 1;
    long hi = U_STEPS;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      double v = output(x, mid, minus);
      if (minus ? v <= z : v >= z) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return output(x, lo, minus) == z;
  }
}
