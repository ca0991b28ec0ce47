package org.privspark.core.mechanism;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Snapping to a power-of-two grid, the defence against the floating-point attack of Mironov 2012
 * ("On significance of the least significant bits for differential privacy", CCS 2012).
 *
 * <p>Every value a mechanism releases is (k + Y)·g with k and Y integers and g = 2^e: the set of
 * possible outputs, and their probabilities, are those of the integer k + Y, so the low bits of a
 * released double carry no information beyond the exact discrete distribution the privacy proof is
 * about. Dividing by g and multiplying by g are exact in IEEE 754 (a change of exponent), so no
 * rounding happens anywhere except in the final conversion of the integer k + Y to a double,
 * which is post-processing.
 */
final class Grid {
  /** Inputs are refused when |value/g| reaches 2^62, so that k + Y stays far from overflow. */
  static final double MAX_UNITS = 0x1p62;

  private Grid() {}

  /**
   * g = 2^(⌊log₂ scale⌋ − bitsBelow), so that scale/g lies in [2^bitsBelow, 2^(bitsBelow+1)).
   *
   * @throws IllegalArgumentException if g would not be a normal double
   */
  static double granularity(String scaleName, double scale, int bitsBelow) {
    int exponent = Math.getExponent(scale) - bitsBelow;
    if (Math.getExponent(scale) < Double.MIN_EXPONENT || exponent < Double.MIN_EXPONENT) {
      throw new IllegalArgumentException(
          scaleName + " must be >= 2^" + (Double.MIN_EXPONENT + bitsBelow) + "; got " + scale);
    }
    return Math.scalb(1.0, exponent);
  }

  /**
   * The grid index k = round(value/g), rounding halves up (Java's {@link Math#round}).
   *
   * <p>Why this rounding: it is monotone and commutes with integer shifts (round(u + m) =
   * round(u) + m for every integer m). So if |x − x'| ≤ Δ then x/g ≤ x'/g + D for D = ⌈Δ/g⌉ and
   * round(x/g) ≤ round(x'/g + D) = round(x'/g) + D: neighbouring inputs stay within D grid units.
   * Ties-to-even ({@link Math#rint}) is monotone but not shift-invariant (rint(0.5) = 0 while
   * rint(1.5) = 2), which would break this argument.
   *
   * @throws IllegalArgumentException if value is NaN or infinite, or |value/g| ≥ 2^62
   */
  static long snap(String name, double value, double g) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite; got " + value);
    }
    double units = value / g; // exact: g is a power of two (and |units| < 2^-1022 rounds to 0 anyway)
    if (!(Math.abs(units) < MAX_UNITS)) {
      throw new IllegalArgumentException(
          name + " must be below 2^62 grid units (|value| < " + MAX_UNITS * g + "); got " + value);
    }
    return Math.round(units);
  }

  /** (k + noise)·g; the sum is checked for overflow (it cannot overflow for |k| &lt; 2^62 short of a 2^62-sized noise). */
  static double release(long k, long noise, double g) {
    return Math.addExact(k, noise) * g;
  }

  /** ⌈x⌉ for a finite double x ≥ 0 that fits a long. */
  static long ceilToLong(double x) {
    return (long) Math.ceil(x);
  }

  /** ⌈a/b⌉ for positive finite doubles, exactly (both are dyadic rationals). */
  static BigDecimal ceilDiv(BigDecimal a, BigDecimal b) {
    return a.divide(b, 0, RoundingMode.CEILING);
  }
}
