package org.privspark.core.mechanism;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Snapping to a power-of-two grid, the defence against the floating-point attack of Mironov 2012
 * ("On significance of the least significant bits for differential privacy", CCS 2012).
 *
 * <p>Every value a mechanism releases is a function of the integer k + Y alone, where k =
 * round(x/g) is the input in grid units, Y the integer noise and g = 2^e: the set of possible
 * outputs, and their probabilities, are those of k + Y, so the low bits of a released double carry
 * no information beyond the exact discrete distribution the privacy proof is about.
 *
 * <p><b>Any finite input.</b> k and k + Y are computed exactly for every finite double x, however
 * large: in a long when that cannot overflow (the common path), otherwise in a {@link BigInteger}.
 * When |x/g| ≥ 2^53, x is already an integer multiple of g (its ulp is at least g), so k = x/g with
 * no rounding at all; it is read off x's significand and exponent, because the double x/g itself
 * may overflow. The only rounding is the final one, from the exact (k + Y)·g to the nearest double
 * (to the largest finite multiple of g when that nearest double would be infinite): a function of k
 * + Y, hence post-processing. Every release is finite and an integer multiple of g (a double of
 * magnitude ≥ 2^53·g has an ulp ≥ g, so rounding keeps it on the grid).
 */
final class Grid {
  /** Below this many grid units, k and k + Y are computed in longs (the sum is checked). */
  private static final double LONG_UNITS = 0x1p62;

  private static final long SIGNIFICAND_MASK = (1L << 52) - 1;

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
   * Refuses NaN and ±∞. The message does not show the value: an input to a release may be private
   * (a sum computed from the data, for example).
   */
  static void checkFinite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw notFinite(name);
    }
  }

  /** Kept out of {@link #checkFinite} so that the check itself stays tiny and inlined. */
  private static IllegalArgumentException notFinite(String name) {
    return new IllegalArgumentException(name + " must be finite (not shown: it may be private)");
  }

  /**
   * The grid index k = round(x/g) of a finite x, exactly, rounding halves up (as {@link Math#round}
   * does).
   *
   * <p>Why this rounding: it is monotone and commutes with integer shifts (round(u + m) = round(u)
   * + m for every integer m). So if |x − x'| ≤ Δ then x/g ≤ x'/g + D for D = ⌈Δ/g⌉ and round(x/g) ≤
   * round(x'/g + D) = round(x'/g) + D: neighbouring inputs stay within D grid units. Ties-to-even
   * ({@link Math#rint}) is monotone but not shift-invariant (rint(0.5) = 0 while rint(1.5) = 2),
   * which would break this argument.
   */
  static BigInteger snap(double x, double g) {
    double units =
        x / g; // exact unless it overflows (then |x/g| ≥ 2^1024) or is below 2^-1022 (rounds to 0)
    if (Math.abs(units) < LONG_UNITS) {
      return BigInteger.valueOf(Math.round(units));
    }
    // |x/g| ≥ 2^62: x = m·2^(p−52) with m its 53-bit significand (x is normal, since |x| ≥ 2^62·g),
    // and p − 52 − e ≥ 10, so k = m·2^(p−52−e) is an integer and needs no rounding.
    long m = (Double.doubleToRawLongBits(x) & SIGNIFICAND_MASK) | (1L << 52);
    BigInteger k = BigInteger.valueOf(m).shiftLeft(Math.getExponent(x) - 52 - Math.getExponent(g));
    return x < 0 ? k.negate() : k;
  }

  /**
   * The grid index k = round(X·2^e/g) of the exact fixed-point value X·2^e, rounding halves up as
   * {@link #snap(double, double)} does (k = ⌊X·2^e/g + ½⌋), computed exactly in integers; the same
   * monotone, shift-invariant rounding, so the same argument keeps neighbouring values within ⌈Δ/g⌉
   * grid units.
   *
   * <p>Except far beyond the double range: an index of magnitude 2^L or more, L = {@link
   * #saturationBits(double)}, is replaced by ±2^L. That changes no release: for |k| ≥ 2^L and any
   * long y, |k + y| ≥ 2^L − 2^63 ≥ 2^(L−1), so |(k + y)·g| ≥ 2^1025 and the release is clamped to
   * ±{@link #largestMultiple(double)} either way ({@link #toDouble}). It only keeps the arithmetic
   * small: X·2^e may have any int exponent e.
   */
  static BigInteger snap(BigInteger units, int exponent, double g) {
    int signum = units.signum();
    if (signum == 0) {
      return BigInteger.ZERO;
    }
    long shift = (long) exponent - Math.getExponent(g); // X·2^e/g = X·2^shift
    if (shift >= 0) {
      int cap = saturationBits(g);
      if (units.bitLength() + shift > cap) {
        BigInteger saturated = BigInteger.ONE.shiftLeft(cap);
        return signum < 0 ? saturated.negate() : saturated;
      }
      return units.shiftLeft((int) shift);
    }
    long down = -shift;
    if (down >= units.bitLength() + 2L) {
      // |X| ≤ 2^bitLength ≤ 2^(down − 2), so |X·2^-down| ≤ 1/4: both neighbours of ½ round to 0.
      return BigInteger.ZERO;
    }
    // ⌊X/2^d + ½⌋ = ⌊(X + 2^(d−1))/2^d⌋, and shiftRight is floor division, negative X included.
    return units.add(BigInteger.ONE.shiftLeft((int) (down - 1))).shiftRight((int) down);
  }

  /**
   * L = max(1026 − log₂ g, 65): past 2^L grid units every release is clamped (see {@link
   * #snap(BigInteger, int, double)}). At most 2,100 for a normal g.
   */
  static int saturationBits(double g) {
    return Math.max(1026 - Math.getExponent(g), 65);
  }

  /**
   * The released value for the exact fixed-point input X·2^e and integer noise y: (k + y)·g with k
   * = {@link #snap(BigInteger, int, double)}, rounded once to the nearest double (clamped as {@link
   * #toDouble} does).
   */
  static double release(BigInteger units, int exponent, long y, double g) {
    BigInteger k = snap(units, exponent, g);
    if (k.bitLength() < 62) {
      double released = longRelease(k.longValue(), y, g);
      if (!Double.isNaN(released)) {
        return released;
      }
    }
    return toDouble(k.add(BigInteger.valueOf(y)), g);
  }

  /**
   * The released value for a finite input x and integer noise y: (k + y)·g with k = round(x/g),
   * computed exactly and rounded once to the nearest double, or to ±{@link
   * #largestMultiple(double)} if that would be infinite.
   */
  static double release(double x, long y, double g) {
    double units = x / g;
    if (Math.abs(units) < LONG_UNITS) {
      double released = longRelease(Math.round(units), y, g);
      if (!Double.isNaN(released)) {
        return released;
      }
    }
    // Rare: past 2^62 units, a long overflow, or a result beyond the double range (clamped there).
    return toDouble(snap(x, g).add(BigInteger.valueOf(y)), g);
  }

  /**
   * (k + y)·g in long arithmetic, the fast path of both releases: NaN when the long sum overflows
   * or the result leaves the double range (the caller then computes it exactly). (double) sum is
   * the nearest double to sum, and scaling by g = 2^e is exact unless it overflows, so this is the
   * nearest double to (k + y)·g.
   */
  private static double longRelease(long k, long y, double g) {
    long sum = k + y;
    double released = sum * g;
    return ((k ^ sum) & (y ^ sum)) >= 0 && Math.abs(released) <= Double.MAX_VALUE
        ? released
        : Double.NaN;
  }

  /**
   * The nearest double to n·g (ties to even), or ±{@link #largestMultiple(double)} when that is
   * infinite. The result is an integer multiple of g.
   */
  static double toDouble(BigInteger n, double g) {
    BigInteger magnitude = n.abs();
    int shift = Math.max(0, magnitude.bitLength() - 63);
    long top = magnitude.shiftRight(shift).longValue(); // < 2^63
    if (shift > 0 && magnitude.getLowestSetBit() < shift) {
      // A sticky bit: (double) top rounds away 10 bits, and bit 0 now records that bits were
      // shifted out, so a tie in top is no tie in n and rounds as n does.
      top |= 1;
    }
    // Rounding top to 53 bits, then scaling by 2^(shift + e), rounds n·g once: the scaling is exact
    // because n·g ≥ g is a normal double, or it overflows.
    double released = Math.scalb((double) top, shift + Math.getExponent(g));
    if (Double.isInfinite(released)) {
      released = largestMultiple(g);
    }
    return n.signum() < 0 ? -released : released;
  }

  /** The largest finite double that is an integer multiple of g: MAX_VALUE unless g &gt; 2^971. */
  static double largestMultiple(double g) {
    return Double.MAX_VALUE - Double.MAX_VALUE % g; // % is exact, and so is the difference
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
