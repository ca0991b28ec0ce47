package org.privspark.core.accounting;

/**
 * Products and quotients of doubles rounded toward +∞ or −∞, so that a cost is never below the
 * exact value of its formula (and a denominator never above its own).
 *
 * <p>Each operation rounds to nearest, then asks whether that fell on the wrong side of the exact
 * result and, only then, moves one ulp. The residual that decides it is computed exactly with one
 * fused multiply-add: for a product p = fl(ab), ab − p is a double (Dekker); for a quotient q =
 * fl(a/b), a − qb is a double (the remainder of a division). Both hold when nothing underflows,
 * which the guard {@link #SAFE} ensures; below it (results under about 2^-968, far below any cost
 * that matters) the result moves one ulp unconditionally, which is just as safe. Sums use {@link
 * RdpCurve#addRoundingUp}.
 */
final class Directed {
  /** Magnitudes above this keep the residual of a product or quotient a normal double. */
  private static final double SAFE = 0x1p-968;

  private Directed() {}

  /** a·b rounded toward +∞ (a, b finite; an overflow is +∞). */
  static double multiplyUp(double a, double b) {
    double p = a * b;
    if (p == 0 && (a == 0 || b == 0)) {
      return p;
    }
    if (!Double.isFinite(p)) {
      return p;
    }
    if (Math.abs(p) < SAFE) {
      // A negative product that underflowed to −0 is already rounded up; moving it up would
      // flip its sign (and make multiplyDown of two positives negative).
      return p == 0 && 1 / p < 0 ? p : Math.nextUp(p);
    }
    return Math.fma(a, b, -p) > 0 ? Math.nextUp(p) : p;
  }

  /** a·b rounded toward −∞ (a, b finite). */
  static double multiplyDown(double a, double b) {
    return -multiplyUp(-a, b);
  }

  /** a/b rounded toward +∞, for b &gt; 0 and finite a. */
  static double divideUp(double a, double b) {
    double q = a / b;
    if (a == 0) {
      return q;
    }
    if (!Double.isFinite(q)) {
      return q;
    }
    if (Math.abs(q) < SAFE || Math.abs(a) < SAFE) {
      return Math.nextUp(q);
    }
    // q·b − a < 0 exactly when q < a/b (b > 0).
    return Math.fma(q, b, -a) < 0 ? Math.nextUp(q) : q;
  }

  /** a/b rounded toward −∞, for b &gt; 0 and finite a. */
  static double divideDown(double a, double b) {
    return -divideUp(-a, b);
  }

  /**
   * An upper bound on the exact value of an elementary function (log, exp, log1p, expm1, …) from
   * its {@link StrictMath} result, which fdlibm computes with an error below one ulp: two ulps up,
   * so that a result just below a power of two (whose ulp above is twice its ulp below) is covered
   * too.
   */
  static double above(double computed) {
    return Math.nextUp(Math.nextUp(computed));
  }

  /** A lower bound, as {@link #above} gives an upper one. */
  static double below(double computed) {
    return Math.nextDown(Math.nextDown(computed));
  }

  /** a − b rounded toward −∞ (finite a, b). */
  static double subtractDown(double a, double b) {
    return -RdpCurve.addRoundingUp(-a, b);
  }
}
