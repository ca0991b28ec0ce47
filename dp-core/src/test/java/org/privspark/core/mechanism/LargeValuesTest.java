package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.DiscreteGaussianSampler;
import org.privspark.core.noise.DiscreteLaplaceSampler;
import org.privspark.core.noise.IntegerNoiseSampler;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseStats;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;

/**
 * Every mechanism releases every finite double: ±1e300, ±Double.MAX_VALUE, a sum near 1e15, and
 * partition selection on 1e10 units. Before, inputs of 2^62 grid units or more were refused (at ε =
 * 1, Δ = 1 that is any value of 4,194,304 or more), after the budget had been charged.
 */
class LargeValuesTest {
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
            18, 19, 20, 21, 22
          });
  private static final double[] HUGE = {1e300, -1e300, Double.MAX_VALUE, -Double.MAX_VALUE};

  private static final List<GridMechanism<?, ?>> MECHANISMS =
      List.of(
          LaplaceMechanism.builder().epsilon(1).l1Sensitivity(1).build(),
          LaplaceMechanism.builder().epsilon(0x1p-30).l1Sensitivity(1e-300).build(),
          LaplaceMechanism.builder()
              .epsilon(0x1p12)
              .l1Sensitivity(1e300)
              .maxCoordinatesContributed(7)
              .build(),
          GaussianMechanism.builder().sigma(1).l2Sensitivity(1).build(),
          GaussianMechanism.builder().epsilon(1).delta(1e-6).l2Sensitivity(1e-3).build(),
          GaussianMechanism.builder()
              .sigma(1e300)
              .l2Sensitivity(1e299)
              .maxCoordinatesContributed(5)
              .build());

  private static KeyedStreamSource stream(String cell) {
    return KeyedStreamSource.forCell(SECRET, cell);
  }

  /** Finite, an integer multiple of g, and inside its own confidence interval's claim. */
  private static void assertSoundRelease(
      double input, double released, ConfidenceInterval ci, double g) {
    assertThat(Double.isFinite(released)).as("finite release of %s", input).isTrue();
    assertThat(released % g).as("on the grid: %s", input).isEqualTo(0.0);
    assertThat(Double.isFinite(ci.lower()) && Double.isFinite(ci.upper())).isTrue();
    assertThat(ci.contains(input)).as("the 0.999 interval %s covers %s", ci, input).isTrue();
  }

  @Test
  void release_hugeScalars_finiteOnTheGridAndCovered() {
    for (GridMechanism<?, ?> m : MECHANISMS) {
      for (double x : HUGE) {
        NoisyValue v = m.release(x, stream(m + "/" + x));
        assertSoundRelease(x, v.value(), v.confidenceInterval(0.999), m.granularity());
        assertThat(Double.isFinite(v.noiseStd())).isTrue();
      }
    }
  }

  @Test
  void release_hugeScalarsWithBudget_chargedAndReleased() {
    for (GridMechanism<?, ?> m : MECHANISMS) {
      for (double x : HUGE) {
        PrivacyBudget budget = PrivacyBudget.inMemory(1e4, 1e-3);
        NoisyValue v = m.release(x, stream("budget/" + x), budget);
        assertSoundRelease(x, v.value(), v.confidenceInterval(0.999), m.granularity());
        assertThat(budget.spent()).isEqualTo(new RdpAccountant().compose(m.event()).epsilon(1e-3));
      }
    }
  }

  @Test
  void release_hugeVectors_everyCoordinateFiniteOnTheGridAndCovered() {
    double[] values = {1e300, -Double.MAX_VALUE, 0.5, Double.MAX_VALUE, -1e300, 1e15};
    for (GridMechanism<?, ?> m : MECHANISMS) {
      // A charged release draws bound to its charge; the uncharged one from the same bound stream.
      NoisyVector plain =
          m.release(
              values,
              KeyedStreamSource.forCell(ReleaseKey.of(SECRET, SECRET.releaseId()), "vector"));
      NoisyVector charged = m.release(values, stream("vector"), PrivacyBudget.inMemory(1e4, 1e-3));
      assertThat(charged).isEqualTo(plain);
      for (int i = 0; i < values.length; i++) {
        assertSoundRelease(
            values[i], plain.value(i), plain.confidenceInterval(i, 0.999), m.granularity());
      }
    }
  }

  /**
   * The nearest double to (round(x/g) + y)·g, computed in BigDecimal (clamped as {@code Grid}
   * does).
   */
  private static double exactRelease(double x, long y, double g) {
    BigDecimal bg = new BigDecimal(g);
    BigInteger k =
        new BigDecimal(x)
            .divide(bg)
            .add(new BigDecimal("0.5"))
            .setScale(0, RoundingMode.FLOOR)
            .toBigIntegerExact();
    double d = new BigDecimal(k.add(BigInteger.valueOf(y))).multiply(bg).doubleValue();
    return Double.isInfinite(d) ? Math.copySign(Grid.largestMultiple(g), d) : d;
  }

  private static IntegerNoiseSampler samplerOf(AddedNoise noise) {
    return noise instanceof DiscreteLaplaceNoise l
        ? DiscreteLaplaceSampler.withScale(l.scale())
        : DiscreteGaussianSampler.withSigmaSquared(((DiscreteGaussianNoise) noise).sigmaSquared());
  }

  /**
   * The noise of a huge release is exactly the sampler's: drawing Y from the same stream and
   * rounding (round(x/g) + Y)·g once, in exact arithmetic, gives the released value bit for bit.
   * The sampler's distribution is tested on its own (DiscreteLaplaceSamplerTest,
   * DiscreteGaussianSamplerTest).
   */
  @Test
  void release_hugeValues_equalsTheExactSumOfTheSamplersNoise() {
    double[] inputs = {
      1e300, -1e300, Double.MAX_VALUE, -Double.MAX_VALUE, 1e15 + 0.375, 4_300_000, -0x1p70
    };
    for (GridMechanism<?, ?> m : MECHANISMS) {
      IntegerNoiseSampler sampler = samplerOf(m.noise());
      for (double x : inputs) {
        for (int cell = 0; cell < 20; cell++) {
          String id = "exact/" + x + "/" + cell;
          long y = sampler.sample(stream(id));
          assertThat(m.release(x, stream(id)).value())
              .as("%s x=%s", m, x)
              .isEqualTo(exactRelease(x, y, m.granularity()));
        }
      }
    }
  }

  /**
   * The release of x = 1.5·2^62·g, past the old limit: (released − x)/g is the noise Y rounded to a
   * multiple of 2^10 (k + Y has 63 bits, a double keeps 53), a shift far below the bins used here
   * (T/4 = 2^38 units for Laplace, σ/4 ≈ 2^24 units for Gaussian). Chi-square against the exact
   * distribution over 34 bins, 20,000 draws, rejected below p = 1e-6 (false-failure probability
   * 1e-6; the secret is fixed, so the outcome is deterministic).
   */
  @Test
  void release_pastTheOldLimit_noiseHasTheMechanismsDistribution() {
    LaplaceMechanism laplace = LaplaceMechanism.builder().epsilon(1).l1Sensitivity(1).build();
    double t = laplace.noise().scale();
    double q = Math.exp(-1 / t);
    // P(Y < a) for the discrete Laplace of scale t, a an integer.
    DoubleUnaryOperator laplaceCdf =
        a -> a <= 0 ? Math.exp(-(1 - a) / t) / (1 + q) : 1 - Math.exp(-a / t) / (1 + q);
    assertThat(chiSquarePValue(laplace, t / 4, laplaceCdf)).isGreaterThan(1e-6);

    GaussianMechanism gaussian = GaussianMechanism.builder().sigma(1).l2Sensitivity(1).build();
    double s = Math.sqrt((double) gaussian.noise().sigmaSquared());
    // σ ≈ 2^26 units: the discrete Gaussian's bins match the normal's to far below the test's
    // power.
    DoubleUnaryOperator normalCdf = a -> 0.5 * Erf.erfc(-(a - 0.5) / (s * Math.sqrt(2)));
    assertThat(chiSquarePValue(gaussian, s / 4, normalCdf)).isGreaterThan(1e-6);
  }

  private static double chiSquarePValue(
      GridMechanism<?, ?> m, double width, DoubleUnaryOperator cdf) {
    double g = m.granularity();
    double x = 1.5 * 0x1p62 * g;
    int inner = 32; // bins [j·w, (j+1)·w) for j in [−16, 16), plus two tails
    long[] observed = new long[inner + 2];
    int n = 20_000;
    KeyedStreamSource source = NoiseStats.seeded("large-values/" + m.getClass().getSimpleName());
    for (int i = 0; i < n; i++) {
      double y = (m.release(x, source).value() - x) / g; // exact: both are multiples of 2^10·g
      int bin = (int) Math.floor(y / width) + inner / 2 + 1;
      observed[Math.max(0, Math.min(inner + 1, bin))]++;
    }
    double[] expected = new double[inner + 2];
    for (int b = 0; b < expected.length; b++) {
      double lo = b == 0 ? Double.NEGATIVE_INFINITY : Math.ceil((b - 1 - inner / 2) * width);
      double hi = b == inner + 1 ? Double.POSITIVE_INFINITY : Math.ceil((b - inner / 2) * width);
      double pLo = lo == Double.NEGATIVE_INFINITY ? 0 : cdf.applyAsDouble(lo);
      double pHi = hi == Double.POSITIVE_INFINITY ? 1 : cdf.applyAsDouble(hi);
      expected[b] = n * (pHi - pLo);
    }
    return new ChiSquareTest().chiSquareTest(expected, observed);
  }

  /**
   * A sum near 1e15 at ε = 1, Δ = 1: released within a few grid-scaled noise units of the truth.
   */
  @Test
  void release_sumNear1e15_isCloseAndCovered() {
    LaplaceMechanism m = LaplaceMechanism.builder().epsilon(1).l1Sensitivity(1).build();
    double sum = 999_999_999_999_999.75;
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 0);
    NoisyValue v = m.release(sum, stream("sum-1e15"), budget);
    // |noise| > 40 has probability 2e^-40 at scale 1; ulp(1e15) = 0.125 adds at most 0.0625.
    assertThat(Math.abs(v.value() - sum)).isLessThan(40);
    assertThat(v.confidenceInterval(0.95).contains(sum)).isTrue();
    assertThat(budget.spent().epsilon()).isEqualTo(m.event().pureEpsilon());
  }

  /**
   * Partition selection on a group of 1e10 distinct units: kept. (Truncated geometric selection
   * never went through the grid and already kept it; Laplace and Gaussian thresholding threw.) At ε
   * = 50 the Gaussian thresholding's grid is 2^-30, so 1e10 units were 2^63 grid units.
   */
  @Test
  void keep_tenBillionUnits_isKeptByEverySelection() {
    long units = 10_000_000_000L;
    List<PartitionSelection> selections =
        List.of(
            LaplacePartitionSelection.of(1, 1e-6, 1),
            LaplacePartitionSelection.of(0x1p-20, 1e-6, 3, 5),
            GaussianPartitionSelection.of(50, 1e-6, 1, 1),
            GaussianPartitionSelection.of(1, 1e-6, 4, 2),
            TruncatedGeometricPartitionSelection.of(1, 1e-6, 1),
            TruncatedGeometricPartitionSelection.of(0.5, 1e-8, 10, 3));
    for (PartitionSelection s : selections) {
      for (int cell = 0; cell < 5; cell++) {
        assertThat(s.keep(units, stream("select/" + s + "/" + cell))).as("%s", s).isTrue();
      }
    }
  }

  /**
   * Non-finite inputs are refused, and the message carries none of the (possibly private) values.
   */
  @Test
  void release_nonFinite_messageShowsNoValue() {
    for (GridMechanism<?, ?> m : MECHANISMS) {
      assertThatThrownBy(() -> m.release(new double[] {123456.789, Double.NaN}, stream("nan")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("every entry of values must be finite (not shown: it may be private)");
      assertThatThrownBy(
              () ->
                  m.release(
                      Double.POSITIVE_INFINITY, stream("inf"), PrivacyBudget.inMemory(1e4, 1e-3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("value must be finite (not shown: it may be private)");
    }
  }
}
