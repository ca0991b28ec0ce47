package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

class RdpCurvePropertiesTest {

  @Property(tries = 2000)
  void addRoundingUp_isNeverBelowExactSumAndAtMostOneUlpAbove(
      @ForAll @DoubleRange(min = 0, max = 1e6) double a,
      @ForAll @DoubleRange(min = 0, max = 1e6) double b) {
    double s = RdpCurve.addRoundingUp(a, b);
    BigDecimal exact = new BigDecimal(a).add(new BigDecimal(b));
    assertThat(new BigDecimal(s).compareTo(exact)).isGreaterThanOrEqualTo(0);
    assertThat(new BigDecimal(Math.nextDown(s)).compareTo(exact)).isLessThan(0);
  }

  @Property(tries = 2000)
  void multiplyRoundingUp_isNeverBelowExactProduct(
      @ForAll @DoubleRange(min = 0, max = 1e3) double v,
      @ForAll @LongRange(min = 1, max = 1L << 40) long n) {
    double p = RdpCurve.multiplyRoundingUp(v, n);
    BigDecimal exact = new BigDecimal(v).multiply(new BigDecimal(n));
    assertThat(new BigDecimal(p).compareTo(exact)).isGreaterThanOrEqualTo(0);
    assertThat(new BigDecimal(Math.nextDown(p)).compareTo(exact)).isLessThan(0);
  }

  /** From 2^53 on a count need not be a double; it must be rounded up, not to nearest. */
  @Property(tries = 2000)
  void multiplyRoundingUp_countsFrom2To53_neverBelowExactProduct(
      @ForAll @DoubleRange(min = 0, max = 1e3) double v,
      @ForAll @LongRange(min = 1L << 53, max = Long.MAX_VALUE) long n) {
    double p = RdpCurve.multiplyRoundingUp(v, n);
    BigDecimal exact = new BigDecimal(v).multiply(new BigDecimal(n));
    assertThat(new BigDecimal(p).compareTo(exact))
        .as("%s x %s -> %s", v, n, p)
        .isGreaterThanOrEqualTo(0);
  }
}
