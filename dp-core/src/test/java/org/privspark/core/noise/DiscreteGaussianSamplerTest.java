package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiscreteGaussianSamplerTest {
  private static final int DRAWS = 200_000;

  /**
   * Goodness of fit against the exact pmf for σ = 1, 2.5, 10 (σ² = 1, 25/4, 100). Seeded (fixed
   * secret), so deterministic; with a random seed a correct sampler would fail with probability
   * 1e-4 per case (the p-value threshold).
   */
  @ParameterizedTest
  @CsvSource({"1, 1", "25, 4", "100, 1"})
  void sample_200kDraws_matchesExactPmf(long num, long den) {
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigmaSquared(num, den);
    assertThat(sampler.usesLongArithmetic()).isTrue();
    KeyedStreamSource source = NoiseStats.seeded("gauss-gof-" + num + "/" + den);
    long[] samples = NoiseStats.draw(DRAWS, () -> sampler.sample(source));
    assertThat(NoiseStats.chiSquarePValue(samples, NoiseStats.gaussianPmf((double) num / den)))
        .isGreaterThan(1e-4);
  }

  /** The bit-by-bit Bernoulli strategy; false-failure probability 1e-4 (seeded: deterministic). */
  @Test
  void sample_bitwiseBernoulliSource_matchesExactPmf() {
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigmaSquared(25, 4);
    NoiseSource source = DiscreteLaplaceSamplerTest.unbuffered(NoiseStats.seeded("gauss-gof-bits"));
    long[] samples = NoiseStats.draw(DRAWS, () -> sampler.sample(source));
    assertThat(NoiseStats.chiSquarePValue(samples, NoiseStats.gaussianPmf(6.25)))
        .isGreaterThan(1e-4);
  }

  /**
   * σ² = (9d + 1)/d with d = 2^40 + 15 does not fit the long path (its γ denominator is about
   * 2^88), so every acceptance test runs in BigInteger. 50k draws; false-failure probability 1e-4
   * (seeded: deterministic).
   */
  @Test
  void sample_bigIntegerPath_matchesExactPmf() {
    long d = (1L << 40) + 15;
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigmaSquared(9 * d + 1, d);
    assertThat(sampler.usesLongArithmetic()).isFalse();
    KeyedStreamSource source = NoiseStats.seeded("gauss-gof-big");
    long[] samples = NoiseStats.draw(50_000, () -> sampler.sample(source));
    assertThat(NoiseStats.chiSquarePValue(samples, NoiseStats.gaussianPmf(9 + 1.0 / d)))
        .isGreaterThan(1e-4);
  }

  /**
   * E[X²] against the exact variance; tolerance 5 standard errors √((μ₄ − Var²)/N) with μ₄ from the
   * exact pmf: false-failure probability about 5.7e-7 under the normal approximation (N = 200k).
   * Seeded: deterministic.
   */
  @ParameterizedTest
  @CsvSource({"25, 4", "100, 1"})
  void sample_200kDraws_matchesVariance(long num, long den) {
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigmaSquared(num, den);
    KeyedStreamSource source = NoiseStats.seeded("gauss-var-" + num + "/" + den);
    long[] samples = NoiseStats.draw(DRAWS, () -> sampler.sample(source));
    LongToDoubleFunction pmf = NoiseStats.gaussianPmf((double) num / den);
    double variance = NoiseStats.moment(pmf, 2, 500);
    double fourth = NoiseStats.moment(pmf, 4, 500);
    double standardError = Math.sqrt((fourth - variance * variance) / DRAWS);
    assertThat(sampler.variance()).isCloseTo(variance, withinPercentage(1e-9));
    assertThat(NoiseStats.meanSquare(samples)).isCloseTo(variance, within(5 * standardError));
  }

  /**
   * The form the Gaussian mechanism uses, σ² = t(t − 1) with t = 2^26 + 12345: long arithmetic, and
   * E[X²] within 5 standard errors (√(2/N)·σ², normal μ₄ = 3σ⁴) of σ²: false-failure probability
   * about 5.7e-7 (seeded: deterministic).
   */
  @Test
  void sample_pronicSigmaSquared_usesLongArithmeticAndMatchesVariance() {
    long t = (1L << 26) + 12345;
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigmaSquared(t * (t - 1));
    assertThat(sampler.usesLongArithmetic()).isTrue();
    assertThat(sampler.laplaceScale()).isEqualTo(t);
    KeyedStreamSource source = NoiseStats.seeded("gauss-pronic");
    long[] samples = NoiseStats.draw(100_000, () -> sampler.sample(source));
    double s = (double) t * (t - 1);
    assertThat(NoiseStats.meanSquare(samples))
        .isCloseTo(s, within(5 * Math.sqrt(2.0 / 100_000) * s));
  }

  @Test
  void variance_poissonFormula_matchesPmfSum() {
    for (double s : new double[] {1, 1.5, 2, 6.25, 30}) {
      double direct = NoiseStats.moment(NoiseStats.gaussianPmf(s), 2, 400);
      assertThat(DiscreteGaussianSampler.variance(s)).isCloseTo(direct, withinPercentage(1e-10));
    }
    assertThat(DiscreteGaussianSampler.variance(0.3))
        .isCloseTo(NoiseStats.moment(NoiseStats.gaussianPmf(0.3), 2, 400), withinPercentage(1e-10));
  }

  @Test
  void variance_isBelowSigmaSquared() {
    for (double s : new double[] {0.1, 0.5, 1, 2, 100}) {
      assertThat(DiscreteGaussianSampler.variance(s)).isLessThanOrEqualTo(s);
    }
  }

  @Test
  void withSigmaSquared_zeroNumerator_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> DiscreteGaussianSampler.withSigmaSquared(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("num must be >= 1; got 0");
  }

  @Test
  void withSigmaSquared_zeroDenominator_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> DiscreteGaussianSampler.withSigmaSquared(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("den must be >= 1; got 0");
  }
}
