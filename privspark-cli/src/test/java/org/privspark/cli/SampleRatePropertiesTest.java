package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The rate the accountant is given is the smallest double at or above the exact rational: checked
 * against BigDecimal, for fractions and for decimal text.
 */
class SampleRatePropertiesTest {

  /** rate − x, exactly, as a sign. */
  private static int compare(BigInteger num, BigInteger den, double x) {
    return new BigDecimal(num).compareTo(new BigDecimal(x).multiply(new BigDecimal(den)));
  }

  private static void assertSmallestDoubleAtOrAbove(BigInteger num, BigInteger den, double q) {
    assertThat(compare(num, den, q)).as("q is not below the rate").isLessThanOrEqualTo(0);
    assertThat(compare(num, den, Math.nextDown(q)))
        .as("the double below q is below the rate")
        .isPositive();
  }

  @Property(tries = 500)
  void fraction_upperDouble_isTheSmallestDoubleAtOrAboveIt(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long a,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long b) {
    long num = Math.min(a, b);
    long den = Math.max(a, b);
    double q = SampleRate.parse("q", num + "/" + den).upperDouble();
    assertSmallestDoubleAtOrAbove(BigInteger.valueOf(num), BigInteger.valueOf(den), q);
  }

  @Property(tries = 500)
  void decimal_upperDouble_isTheSmallestDoubleAtOrAboveIt(
      @ForAll @LongRange(min = 1, max = 999_999_999_999_999_999L) long digits) {
    String text = "0." + String.format("%018d", digits);
    BigDecimal exact = new BigDecimal(text);
    double q = SampleRate.parse("q", text).upperDouble();
    assertSmallestDoubleAtOrAbove(exact.unscaledValue(), BigInteger.TEN.pow(exact.scale()), q);
  }

  @Example
  void textsWhoseNearestDoubleIsBelowThem_areRoundedUp() {
    // The nearest doubles of 1/3 and of 0.004266666666666667 are below them.
    assertThat(new BigDecimal(1.0 / 3).multiply(BigDecimal.valueOf(3))).isLessThan(BigDecimal.ONE);
    assertThat(new BigDecimal(0.004266666666666667))
        .isLessThan(new BigDecimal("0.004266666666666667"));
    assertThat(SampleRate.parse("q", "1/3").upperDouble()).isEqualTo(Math.nextUp(1.0 / 3));
    assertThat(SampleRate.parse("q", "0.004266666666666667").upperDouble())
        .isEqualTo(Math.nextUp(0.004266666666666667));
    assertThat(SampleRate.parse("q", "1").upperDouble()).isEqualTo(1.0);
    assertThat(SampleRate.parse("q", "60000/60000").upperDouble()).isEqualTo(1.0);
  }

  @Example
  void rateBelowTheSmallestDouble_isTheSmallestDouble() {
    assertThat(SampleRate.parse("q", "1e-400").upperDouble()).isEqualTo(Double.MIN_VALUE);
    BigInteger huge = BigInteger.TEN.pow(400);
    assertThat(SampleRate.parse("q", "1/" + huge).upperDouble()).isEqualTo(Double.MIN_VALUE);
    assertThat(
            new BigDecimal(Double.MIN_VALUE)
                .compareTo(BigDecimal.ONE.divide(new BigDecimal(huge), MathContext.DECIMAL128)))
        .isPositive();
  }
}
