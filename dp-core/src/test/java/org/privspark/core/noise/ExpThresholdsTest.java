package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

class ExpThresholdsTest {
  private static final MathContext MC = new MathContext(120);

  /**
   * Cross-check against an independent computation: 1/e^v by its (positive) Taylor series in 120
   * digits.
   */
  @Test
  void floorScaled_everyTableEntry_matchesIndependentDecimalComputation() {
    for (int v = 1; v <= ExpThresholds.MAX; v++) {
      BigDecimal expMinusV = BigDecimal.ONE.divide(expPositive(v), MC);
      for (int bits : new int[] {64, 128, 192}) {
        BigInteger expected =
            expMinusV
                .multiply(new BigDecimal(BigInteger.ONE.shiftLeft(bits)))
                .setScale(0, RoundingMode.FLOOR)
                .toBigIntegerExact();
        assertThat(ExpThresholds.floorScaled(v, bits))
            .as("v=%d bits=%d", v, bits)
            .isEqualTo(expected);
      }
      assertThat(Long.toUnsignedString(ExpThresholds.threshold(v)))
          .isEqualTo(ExpThresholds.floorScaled(v, 64).toString());
    }
  }

  @Test
  void uniformBelow_tieOnFirstWord_decidedByNextWordOfExpansion() {
    long x = ExpThresholds.threshold(1);
    assertThat(ExpThresholds.uniformBelow(constant(0L), x, 1)).isTrue();
    assertThat(ExpThresholds.uniformBelow(constant(-1L), x, 1)).isFalse();
    assertThat(ExpThresholds.uniformBelow(constant(0L), x - 1, 1)).isTrue();
    assertThat(ExpThresholds.uniformBelow(constant(0L), x + 1, 1)).isFalse();
  }

  /**
   * The geometric count against P(V = v) = (1 − e^{−1})e^{−v}: 200k draws, chi-square over v = 0 …
   * 8 and a tail bin; threshold p &gt; 1e-4, so false-failure probability 1e-4 (seeded).
   */
  @Test
  void geometric_200kDraws_matchesExactLaw() {
    KeyedStreamSource source = NoiseStats.seeded("geometric");
    int n = 200_000;
    long[] observed = new long[10];
    for (int i = 0; i < n; i++) {
      observed[(int) Math.min(ExpThresholds.geometric(source), 9)]++;
    }
    double[] expected = new double[10];
    for (int v = 0; v < 9; v++) {
      expected[v] = n * -Math.expm1(-1) * Math.exp(-v);
    }
    expected[9] = n * Math.exp(-9);
    assertThat(
            new org.apache.commons.math3.stat.inference.ChiSquareTest()
                .chiSquareTest(expected, observed))
        .isGreaterThan(1e-4);
  }

  private static BigDecimal expPositive(int v) {
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal term = BigDecimal.ONE;
    for (int k = 1; k < 400; k++) {
      sum = sum.add(term, MC);
      term = term.multiply(BigDecimal.valueOf(v)).divide(BigDecimal.valueOf(k), MC);
    }
    return sum;
  }

  private static NoiseSource constant(long value) {
    return new NoiseSource() {
      @Override
      public long nextLong() {
        return value;
      }

      @Override
      public long nextLong(long bound) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean nextBoolean() {
        throw new UnsupportedOperationException();
      }
    };
  }
}
