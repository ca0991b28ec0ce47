package org.privspark.core.accounting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * log and exp to 70 significant digits in BigDecimal, written out here so that the accountant's
 * rounding can be checked against values far more precise than a double: a double that is at least
 * the 70-digit value is at least the exact one (they differ by ~1e-68 relative, and a double is
 * never that close to an irrational number the formulas produce, save by a coincidence the checks
 * would show as a failure, not hide).
 */
final class HighPrecision {
  static final MathContext MC = new MathContext(80, RoundingMode.HALF_EVEN);
  private static final BigDecimal TWO = BigDecimal.valueOf(2);

  /** π to 86 digits. */
  static final BigDecimal PI =
      new BigDecimal(
          "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803");

  private static final BigDecimal LN2 =
      atanhSeries(BigDecimal.ONE.divide(BigDecimal.valueOf(3), MC));

  private HighPrecision() {}

  /** 2·atanh(y) = log((1 + y)/(1 − y)) for |y| ≤ 1/3. */
  private static BigDecimal atanhSeries(BigDecimal y) {
    return atanhSeries(y, MC);
  }

  private static BigDecimal atanhSeries(BigDecimal y, MathContext mc) {
    BigDecimal y2 = y.multiply(y, mc);
    BigDecimal power = y;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() - 2);
    for (int n = 1; ; n += 2) {
      BigDecimal term = power.divide(BigDecimal.valueOf(n), mc);
      sum = sum.add(term, mc);
      if (term.abs().compareTo(eps) < 0) {
        return sum.multiply(TWO, mc);
      }
      power = power.multiply(y2, mc);
    }
  }

  /** log x for x &gt; 0. */
  static BigDecimal log(BigDecimal x) {
    return log(x, MC);
  }

  /** log x for x &gt; 0, to the precision of {@code mc} (at most that of {@link #MC}). */
  static BigDecimal log(BigDecimal x, MathContext mc) {
    if (x.signum() <= 0) {
      throw new IllegalArgumentException("x must be > 0; got " + x);
    }
    int k = 0;
    BigDecimal m = x;
    while (m.compareTo(TWO) >= 0) {
      m = m.divide(TWO, mc);
      k++;
    }
    while (m.compareTo(BigDecimal.ONE) < 0) {
      m = m.multiply(TWO, mc);
      k--;
    }
    // m in [1, 2): y = (m − 1)/(m + 1) in [0, 1/3).
    BigDecimal y = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), mc);
    return atanhSeries(y, mc).add(LN2.multiply(BigDecimal.valueOf(k), mc), mc);
  }

  static BigDecimal log(double x) {
    return log(new BigDecimal(x));
  }

  /** e^x, by halving x until it is small, a Taylor series, then squaring back. */
  static BigDecimal exp(BigDecimal x) {
    return exp(x, MC);
  }

  /** e^x to the precision of {@code mc}. */
  static BigDecimal exp(BigDecimal x, MathContext mc) {
    int halvings = 0;
    BigDecimal r = x;
    while (r.abs().compareTo(new BigDecimal("0.01")) > 0) {
      r = r.divide(TWO, mc);
      halvings++;
    }
    BigDecimal sum = BigDecimal.ONE;
    BigDecimal term = BigDecimal.ONE;
    BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() - 1);
    for (int n = 1; term.abs().compareTo(eps) >= 0; n++) {
      term = term.multiply(r, mc).divide(BigDecimal.valueOf(n), mc);
      sum = sum.add(term, mc);
    }
    for (int i = 0; i < halvings; i++) {
      sum = sum.multiply(sum, mc);
    }
    return sum;
  }

  /** log cosh x = |x| + log(1 + e^{−2|x|}) − log 2. */
  static BigDecimal logCosh(BigDecimal x) {
    BigDecimal ax = x.abs();
    return ax.add(log(BigDecimal.ONE.add(exp(ax.multiply(TWO).negate()), MC)), MC)
        .subtract(LN2, MC);
  }

  /** Whether the double d is at least the (high-precision) value v. */
  static boolean atLeast(double d, BigDecimal v) {
    return new BigDecimal(d).compareTo(v) >= 0;
  }
}
