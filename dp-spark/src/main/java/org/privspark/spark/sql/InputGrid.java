package org.privspark.spark.sql;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * The public fixed-point grid of one measurement's input: every row's contribution becomes an
 * integer number of units of 2^{@link #exponent}, so that every sum after it (a unit's partial over
 * its kept rows, Spark's sum over the units of a group) is an exact integer sum, independent of the
 * order of its terms; the exact total reaches the mechanism as X·2^exponent ({@link
 * org.privspark.core.mechanism.GridMechanism#releaseFixedPoint}).
 *
 * <p><b>Why.</b> Floating-point sums round, and the rounding depends on the order and on the other
 * terms: a running double sum over D and over D minus one unit can differ by more than the
 * sensitivity that was charged (three values c = 2^60 + 2^8 summed as 2c then 3c round up by 2^8; a
 * unit's own 4,966 rows of 1.7979… add up to more than 4,966 × 1.7979… rounded up). Casacuberta,
 * Shoemate, Vadhan &amp; Wagaman, "Widespread Underestimation of Sensitivity in Differentially
 * Private Libraries and How to Fix It", CCS 2022, show this in every library that summed floats;
 * their fix for sums of unknown length is exact integer arithmetic, which is what this grid gives.
 *
 * <p><b>The grid, for contributions bounded by c</b> (a clamped value, |fl(clamp(v) − m)| or its
 * square; see dp-core {@code Centering}) with at most k = min(L∞, {@link
 * GroupSample#MAX_KEPT_ROWS}) rows per unit and group: g = 2^e with e = min(⌊log₂(k·c)⌋ − {@value
 * #FRACTION_BITS}, {@value #MAX_EXPONENT}), a function of public numbers only. A row contributes r
 * = ⌊x/g + ½⌋ (halves up, like dp-core's {@code Grid.snap}; x/g is computed exactly, or is below
 * 2^-1022 and rounds to 0 either way), an integer with |r| ≤ C = ⌈c/g⌉ because the rounding is
 * monotone and |x| ≤ c. A unit's partial in one group is the sum of at most k such integers: |P| ≤
 * U = k·C, its bound in integer units ({@link #unitUnits}), and the measurement's sensitivity in
 * real units is U·g rounded up ({@link #groupBound}), which is at least k·c: one unit moves a
 * group's exact total by at most U units, the whole argument, with no floating point left in it.
 *
 * <p><b>No overflow.</b> If e = ⌊log₂(k·c)⌋ − 40 then k·c/g &lt; 2^41 and U ≤ k·(c/g + 1) &lt; 2^41
 * + 2^31 &lt; 2^42. If e is capped at {@value #MAX_EXPONENT} (k·c ≥ 2^1012) then either k·c ≤
 * {@code Double.MAX_VALUE} &lt; 2^1024 and U &lt; 2^53 + 2^31, or the sensitivity is not a finite
 * double and {@link #of} refuses the query before the charge (as it does when U·g, rounded up, is
 * not a finite double). So a partial fits a long. A group's total is summed by Spark over its units
 * in {@link #limbs} columns of {@value #LIMB_BITS} bits ({@link #limb}): the lower limbs lie in [0,
 * 2^21) and the top one in [−2^21, 2^21), because |P| ≤ U &lt; 2^(21·limbs); so each column's sum
 * over N units is below N·2^21 in magnitude, exact in a long for every group of fewer than 2^42
 * (4.4·10^12) units. Counts and histogram bins use one column: a group's count is at most the
 * number of rows of the data set, below 2^63.
 *
 * <p><b>The cost.</b> The sensitivity grows from k·c to U·g ≤ k·c + k·g, a relative k·g/(k·c) ≤
 * 2k·2^-40 (at most 2^-19 at the largest k, 2^20; 2^-39 at L∞ = 1); the cap at 2^971, the spacing
 * of the largest doubles, keeps U·g finite for every finite c when k = 1.
 *
 * @param exponent e: one unit of the grid is 2^e
 * @param rowUnits C: the largest |contribution| of one row, in units
 * @param unitUnits U: the largest |partial| of one unit in one group, in units
 * @param limbs how many {@value #LIMB_BITS}-bit columns carry a partial to the group sum
 */
record InputGrid(int exponent, long rowUnits, long unitUnits, int limbs) implements Serializable {
  /** log₂ of k·c/g (at least): the grid is 2^40 times finer than a unit's largest partial. */
  static final int FRACTION_BITS = 40;

  /** The largest grid exponent: 2^971 is the spacing of the doubles in [2^1023, 2^1024). */
  static final int MAX_EXPONENT = 971;

  /** Bits per column of a partial summed by Spark. */
  static final int LIMB_BITS = 21;

  private static final long LIMB_MASK = (1L << LIMB_BITS) - 1;

  /**
   * Counts: one unit is one row (or one privacy unit), at most {@code perUnit} per unit and group.
   */
  static InputGrid counts(long perUnit) {
    return new InputGrid(0, 1, perUnit, 1);
  }

  /**
   * The grid of contributions bounded by {@code rowBound} in absolute value, with at most L∞ =
   * {@code lInf} rows per unit and group.
   *
   * @param measurement the measurement's name, for the message
   * @throws IllegalArgumentException if rowBound is not finite and &gt; 0, or the sensitivity
   *     k·rowBound exceeds the double range
   */
  static InputGrid of(String measurement, double rowBound, long lInf) {
    long k = keptRows(lInf);
    if (!(rowBound > 0) || !Double.isFinite(rowBound)) {
      throw new IllegalArgumentException(
          "the per-row bound of "
              + measurement
              + " must be finite and > 0 (bounds whose squares overflow a double are too wide); got"
              + " "
              + rowBound);
    }
    // c = m·2^ce with m in [1, 2), also for a subnormal c; then k·c < 2^(E+1) for E = ce + ⌊log₂
    // fl↑(k·m)⌋.
    int ce = binaryExponent(rowBound);
    double m = Math.scalb(rowBound, -ce);
    int top = ce + Math.getExponent(QueryPlan.productUp(k, m));
    if (top > Double.MAX_EXPONENT) {
      throw beyondDoubles(measurement, rowBound);
    }
    int e = Math.min(top - FRACTION_BITS, MAX_EXPONENT);
    // c/g = m·2^(ce − e) lies in [2^9, 2^53): a normal double, so the scaling is exact.
    long c = (long) Math.ceil(Math.scalb(m, ce - e));
    long u = Math.multiplyExact(k, c); // < 2^54, proved above
    int limbs = Math.max(1, (64 - Long.numberOfLeadingZeros(u) + LIMB_BITS - 1) / LIMB_BITS);
    InputGrid grid = new InputGrid(e, c, u, limbs);
    if (Double.isInfinite(grid.groupBound())) {
      throw beyondDoubles(measurement, rowBound); // k·c within 2^-40 or so of the top of the range
    }
    return grid;
  }

  private static IllegalArgumentException beyondDoubles(String measurement, double rowBound) {
    return new IllegalArgumentException(
        "the sensitivity of "
            + measurement
            + " must be a finite double: "
            + "maxContributionsPerGroup times the per-row bound "
            + rowBound
            + " reaches "
            + Double.MAX_VALUE);
  }

  /** k = min(L∞, the most rows a unit keeps in a group). */
  static long keptRows(long lInf) {
    return Math.min(lInf, GroupSample.MAX_KEPT_ROWS);
  }

  /** ⌊log₂ |x|⌋ for a finite x ≠ 0, subnormals included. */
  private static int binaryExponent(double x) {
    int e = Math.getExponent(x);
    if (e >= Double.MIN_EXPONENT) {
      return e;
    }
    long bits = Double.doubleToRawLongBits(Math.abs(x));
    return 63 - Long.numberOfLeadingZeros(bits) - 1074;
  }

  /** r = ⌊x/g + ½⌋ for a contribution |x| ≤ c: |r| ≤ {@link #rowUnits}. */
  long snap(double contribution) {
    // Exact unless |x/g| < 2^-1022, which rounds to 0 either way; never overflows (|x/g| ≤ 2^53).
    return Math.round(Math.scalb(contribution, -exponent));
  }

  /** U·2^e rounded up to a double: the most one unit adds to one group, in real units. */
  double groupBound() {
    double bound = Math.scalb((double) unitUnits, exponent);
    BigDecimal exact = new BigDecimal(unitUnits).multiply(powerOfTwo(exponent));
    return Double.isFinite(bound) && new BigDecimal(bound).compareTo(exact) < 0
        ? Math.nextUp(bound)
        : bound;
  }

  /** Limb j of a partial P: (P >> 21j) mod 2^21 below the top limb, P >> 21j (signed) for it. */
  long limb(long partial, int j) {
    long shifted = partial >> (LIMB_BITS * j);
    return j == limbs - 1 ? shifted : shifted & LIMB_MASK;
  }

  /** The exact total Σⱼ S_j·2^(21j) of the column sums S_j at {@code at …}. */
  BigInteger combine(List<Long> columnSums, int at) {
    BigInteger total = BigInteger.ZERO;
    for (int j = limbs - 1; j >= 0; j--) {
      total = total.shiftLeft(LIMB_BITS).add(BigInteger.valueOf(columnSums.get(at + j)));
    }
    return total;
  }

  private static BigDecimal powerOfTwo(int e) {
    return e >= 0
        ? new BigDecimal(BigInteger.ONE.shiftLeft(e))
        : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
  }
}
