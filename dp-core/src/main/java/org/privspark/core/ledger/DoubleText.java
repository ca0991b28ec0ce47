package org.privspark.core.ledger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The ledger's text for a double (docs/LEDGER-FORMAT.md §3.1), computed here in exact decimal
 * arithmetic so that it is the same on every JDK.
 *
 * <p><b>Why not {@code Double.toString}.</b> Its output changed in JDK 19 (JDK-4511638): Java 17
 * writes 2.0E23 as {@code 1.9999999999999998E23} and 2^−1073 as {@code 1.0E-323}; Java 19 and later
 * write {@code 2.0E23} and {@code 9.9E-324}. A canonical form that follows the running JDK makes a
 * ledger written on one JDK non-canonical on another.
 *
 * <p><b>The canonical text</b> is the one the JDK 19+ specification of {@code Double.toString}
 * defines, restated so that it does not depend on any JDK: of the decimals that round to the double
 * (IEEE 754 round to nearest, ties to even), take those of the fewest significant digits p (of one
 * or two digits when p = 1), then the one closest to the double (the even significand on a tie,
 * which cannot occur for doubles); write it as {@link #format} does. Every step below is {@link
 * BigDecimal} arithmetic, exact on every JDK; {@code BigDecimal(double)} is the exact binary value.
 *
 * <p><b>Legacy text.</b> Ledgers of format versions 1 and 2 were written with the running JDK's
 * {@code Double.toString}, so a Java 17 writer left texts such as {@code 1.9999999999999998E23}.
 * {@link #format(BigDecimal)} of the decimal a file holds gives back its text exactly when the text
 * has Java's layout without superfluous zeros; readers of those versions accept such a text when it
 * rounds to the double it stands for.
 */
final class DoubleText {
  private static final BigDecimal HALF = new BigDecimal("0.5");

  /** The upper neighbour of Double.MAX_VALUE in the rounding sense: 2^1024. */
  private static final BigDecimal TWO_TO_1024 = new BigDecimal(BigInteger.ONE.shiftLeft(1024));

  /** 17 significant digits identify every double (Matula 1968). */
  private static final int MAX_DIGITS = 17;

  /**
   * Recently computed texts, direct-mapped by bit pattern. A ledger repeats a few parameters in
   * every entry, and the exact computation costs microseconds; entries are immutable, so a racy
   * read sees either a whole entry or another slot's (checked by its bits).
   */
  private static final Cached[] CACHE = new Cached[1024];

  private record Cached(long bits, String text) {}

  private DoubleText() {}

  /**
   * The canonical text of a finite double.
   *
   * @throws IllegalArgumentException if {@code v} is NaN or infinite (JSON has no such number)
   */
  static String canonical(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("v must be finite; got " + v);
    }
    long bits = Double.doubleToRawLongBits(v);
    if (v == 0) {
      return bits == 0 ? "0.0" : "-0.0";
    }
    int slot = (int) ((bits ^ (bits >>> 29)) * 0x9E3779B97F4A7C15L >>> 54);
    Cached hit = CACHE[slot];
    if (hit != null && hit.bits() == bits) {
      return hit.text();
    }
    String text = (v < 0 ? "-" : "") + format(shortest(Math.abs(v)));
    CACHE[slot] = new Cached(bits, text);
    return text;
  }

  /**
   * The decimal of {@code a} (finite, &gt; 0) that the canonical text writes: among the decimals
   * that round to {@code a}, the closest of the fewest digits (of one or two digits when one digit
   * suffices).
   */
  static BigDecimal shortest(double a) {
    BigDecimal exact = new BigDecimal(a);
    // The rounding interval: the midpoints to the neighbouring doubles (exact), inclusive when a's
    // significand is even (ties round to even).
    BigDecimal lower = exact.add(new BigDecimal(Math.nextDown(a))).multiply(HALF);
    double up = Math.nextUp(a);
    BigDecimal upper =
        exact.add(Double.isInfinite(up) ? TWO_TO_1024 : new BigDecimal(up)).multiply(HALF);
    boolean inclusive = (Double.doubleToRawLongBits(a) & 1) == 0;
    int e = exact.precision() - exact.scale() - 1; // 10^e <= a < 10^(e+1)
    // p: the fewest digits. A decimal of at most n digits in the interval is a multiple of
    // 10^(e-n+1) (10^e itself, or 10^(e+1), when the interval reaches past a power of ten), and
    // whether one exists only grows with n: binary search.
    int lo = 1;
    int hi = MAX_DIGITS;
    if (!hasMultiple(lower, upper, inclusive, e - hi + 1)) {
      throw new AssertionError("no decimal of " + MAX_DIGITS + " digits rounds to " + exact);
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (hasMultiple(lower, upper, inclusive, e - mid + 1)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    int unit = e - Math.max(lo, 2) + 1;
    // The closest such decimal is the multiple of 10^unit just below or just above a.
    BigDecimal below = exact.setScale(-unit, RoundingMode.FLOOR);
    BigDecimal above = exact.setScale(-unit, RoundingMode.CEILING);
    boolean belowIn = within(below, lower, upper, inclusive);
    boolean aboveIn = within(above, lower, upper, inclusive);
    BigDecimal chosen;
    if (belowIn && aboveIn) {
      int cmp = exact.subtract(below).compareTo(above.subtract(exact));
      chosen = cmp < 0 ? below : cmp > 0 ? above : evenSignificand(below, above);
    } else if (belowIn) {
      chosen = below;
    } else if (aboveIn) {
      chosen = above;
    } else {
      throw new AssertionError("no decimal of the fewest digits next to " + exact);
    }
    return chosen.stripTrailingZeros();
  }

  /**
   * Java's layout of a decimal: plain ({@code 0.00123}, {@code 12300.0}, {@code 12.3}) when its
   * exponent e (10^e &le; |d| &lt; 10^(e+1)) is in [−3, 7), else computerized scientific notation
   * ({@code 1.0E23}, {@code 1.23E-19}); trailing zeros of the significand are dropped, a lone
   * {@code .0} is kept; {@code 0.0} for zero.
   */
  static String format(BigDecimal d) {
    if (d.signum() == 0) {
      return "0.0";
    }
    BigDecimal stripped = d.abs().stripTrailingZeros();
    String digits = stripped.unscaledValue().toString();
    int n = digits.length();
    int i = -stripped.scale();
    int e = n + i - 1;
    StringBuilder s = new StringBuilder(n + 8);
    if (d.signum() < 0) {
      s.append('-');
    }
    if (e >= -3 && e < 0) {
      s.append("0.").append("0".repeat(-(n + i))).append(digits);
    } else if (e >= 0 && e < 7) {
      if (i >= 0) {
        s.append(digits).append("0".repeat(i)).append(".0");
      } else {
        s.append(digits, 0, n + i).append('.').append(digits, n + i, n);
      }
    } else {
      s.append(digits.charAt(0))
          .append('.')
          .append(n == 1 ? "0" : digits.substring(1))
          .append('E')
          .append(e);
    }
    return s.toString();
  }

  /** Whether a multiple of 10^unit lies in the rounding interval. */
  private static boolean hasMultiple(
      BigDecimal lower, BigDecimal upper, boolean inclusive, int unit) {
    BigDecimal first = lower.setScale(-unit, RoundingMode.CEILING);
    if (!inclusive && first.compareTo(lower) == 0) {
      first = first.add(BigDecimal.ONE.scaleByPowerOfTen(unit));
    }
    return within(first, lower, upper, inclusive);
  }

  private static boolean within(
      BigDecimal d, BigDecimal lower, BigDecimal upper, boolean inclusive) {
    int l = d.compareTo(lower);
    int u = d.compareTo(upper);
    return inclusive ? l >= 0 && u <= 0 : l > 0 && u < 0;
  }

  private static BigDecimal evenSignificand(BigDecimal a, BigDecimal b) {
    return a.stripTrailingZeros().unscaledValue().testBit(0) ? b : a;
  }
}
