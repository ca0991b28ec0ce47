package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.internal.LogMath;

/**
 * The one allowance in the subsampled Gaussian's error analysis that is an assumption, not a proof:
 * that LogMath.logErfc (commons-math's erfc below 5, a continued fraction above) is within {@link
 * SampledGaussianSeries#logErfcError} of log erfc(x) — 2^-40 relative for x &gt; 0, about a
 * thousand times what commons-math documents. Checked here on a dense grid from −8 to 40 and at a
 * few huge arguments against erfc in 120 digits, written out below from its series and continued
 * fraction. The largest error seen, as a fraction of the allowance, is printed.
 */
class LogErfcAccuracyTest {
  private static final MathContext MC = new MathContext(120);
  private static final BigDecimal SQRT_PI = HighPrecision.PI.sqrt(MC);

  /** erf(x) = (2/√π) Σ (−1)^n x^{2n+1}/(n!(2n+1)); for |x| ≤ 8 its terms stay below 1e28. */
  private static BigDecimal erf(BigDecimal x) {
    BigDecimal x2 = x.multiply(x, MC);
    BigDecimal power = x; // (−1)^n x^{2n+1}/n!
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal eps = BigDecimal.ONE.movePointLeft(110);
    for (int n = 0; ; n++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), MC);
      sum = sum.add(term, MC);
      if (term.abs().compareTo(eps) < 0 && n > 0) {
        return sum.multiply(BigDecimal.valueOf(2), MC).divide(SQRT_PI, MC);
      }
      power = power.multiply(x2, MC).negate().divide(BigDecimal.valueOf(n + 1), MC);
    }
  }

  /**
   * log erfc(x) for x ≥ 8 from the continued fraction erfc(x) = e^{−x²}/√π · K, K = 1/(x + (1/2)/(x
   * + 1/(x + (3/2)/(x + …)))), evaluated from depth {@code depth} back.
   */
  private static BigDecimal logErfcContinuedFraction(BigDecimal x, int depth) {
    BigDecimal t = x;
    for (int k = depth; k >= 1; k--) {
      t = x.add(BigDecimal.valueOf(k).divide(BigDecimal.valueOf(2), MC).divide(t, MC), MC);
    }
    BigDecimal logK = HighPrecision.log(BigDecimal.ONE.divide(t, MC));
    return x.multiply(x, MC).negate().subtract(HighPrecision.log(SQRT_PI), MC).add(logK, MC);
  }

  private static BigDecimal exactLogErfc(double x) {
    BigDecimal bx = new BigDecimal(x);
    if (x < 8) {
      return HighPrecision.log(BigDecimal.ONE.subtract(erf(bx), MC));
    }
    return logErfcContinuedFraction(bx, 400);
  }

  @Test
  void continuedFraction_hasConverged() {
    for (double x : new double[] {8, 20, 1e4}) {
      BigDecimal a = logErfcContinuedFraction(new BigDecimal(x), 400);
      BigDecimal b = logErfcContinuedFraction(new BigDecimal(x), 800);
      assertThat(a.subtract(b).abs()).isLessThan(new BigDecimal("1e-40"));
    }
    // The series and the continued fraction agree where they meet.
    BigDecimal series = HighPrecision.log(BigDecimal.ONE.subtract(erf(new BigDecimal(8)), MC));
    assertThat(series.subtract(logErfcContinuedFraction(new BigDecimal(8), 400)).abs())
        .isLessThan(new BigDecimal("1e-40"));
  }

  @Test
  void logErfc_withinItsAllowanceFromMinus8To40AndBeyond() {
    List<Double> points = new ArrayList<>();
    for (int j = 0; j <= 480; j++) {
      points.add(-8 + j * (16.0 / 480)); // not dyadic: full significands
    }
    for (int j = 1; j <= 128; j++) {
      points.add(8 + j * (32.0 / 128) + 1.0 / 3);
    }
    points.addAll(List.of(4.999999999999999, 5.0, 5.000000000000001, 100.0, 1e3, 1e4, 1e6, 1e9));
    List<String> failures = new ArrayList<>();
    double worstFraction = 0;
    double worstAt = 0;
    double worstBelow5 = 0;
    for (double x : points) {
      BigDecimal exact = exactLogErfc(x);
      double error = new BigDecimal(LogMath.logErfc(x)).subtract(exact).abs().doubleValue();
      double allowed = SampledGaussianSeries.logErfcError(x, 0);
      if (!(error <= allowed)) {
        failures.add("x=" + x + ": error " + error + " > " + allowed);
      }
      if (error / allowed > worstFraction) {
        worstFraction = error / allowed;
        worstAt = x;
      }
      if (x > 0 && x < 5) {
        worstBelow5 = Math.max(worstBelow5, error);
      }
    }
    System.out.printf(
        "log erfc: largest error %.3g of its allowance (x = %s); largest for 0 < x < 5: %.3g%n",
        worstFraction, worstAt, worstBelow5);
    assertThat(failures).isEmpty();
  }
}
