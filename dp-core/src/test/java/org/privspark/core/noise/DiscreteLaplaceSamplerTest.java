package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscreteLaplaceSamplerTest {
  private static final int DRAWS = 200_000;

  /**
   * Goodness of fit against the exact pmf. Seeded (fixed secret), so deterministic; were the seed
   * random, a correct sampler would fail with probability 1e-4 per scale (the p-value threshold).
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 3, 10})
  void sample_200kDraws_matchesExactPmf(long scale) {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.withScale(scale);
    KeyedStreamSource source = NoiseStats.seeded("laplace-gof-" + scale);
    long[] samples = NoiseStats.draw(DRAWS, () -> sampler.sample(source));
    assertThat(NoiseStats.chiSquarePValue(samples, NoiseStats.laplacePmf(scale)))
        .isGreaterThan(1e-4);
  }

  /** Same test with the bit-by-bit Bernoulli strategy (a SecureRandomSource's), via a wrapper. */
  @Test
  void sample_bitwiseBernoulliSource_matchesExactPmf() {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.withScale(3);
    NoiseSource source = unbuffered(NoiseStats.seeded("laplace-gof-bits"));
    long[] samples = NoiseStats.draw(DRAWS, () -> sampler.sample(source));
    // False-failure probability 1e-4 (seeded: deterministic).
    assertThat(NoiseStats.chiSquarePValue(samples, NoiseStats.laplacePmf(3))).isGreaterThan(1e-4);
  }

  /**
   * E[X²] against the exact variance. The standard error of the mean of X² is √((μ₄ − Var²)/N),
   * with μ₄ from the exact pmf; the tolerance is 5 standard errors, a false-failure probability of
   * about 5.7e-7 under the normal approximation (N = 200k). Seeded: deterministic.
   */
  @ParameterizedTest
  @ValueSource(longs = {3, 10, 1L << 40})
  void sample_200kDraws_matchesExactVariance(long scale) {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.withScale(scale);
    KeyedStreamSource source = NoiseStats.seeded("laplace-var-" + scale);
    long[] samples = NoiseStats.draw(DRAWS, () -> sampler.sample(source));
    double variance = sampler.variance();
    // For a discrete Laplace, μ₄/Var² → 6 as t grows; for small t compute it from the pmf.
    double fourth =
        scale <= 1000
            ? NoiseStats.moment(NoiseStats.laplacePmf(scale), 4, 60 * scale)
            : 6 * variance * variance;
    double standardError = Math.sqrt((fourth - variance * variance) / DRAWS);
    assertThat(NoiseStats.meanSquare(samples)).isCloseTo(variance, within(5 * standardError));
  }

  @Test
  void variance_smallScales_matchesPmfSum() {
    for (long t : new long[] {1, 2, 7, 50}) {
      LongToDoubleFunction pmf = NoiseStats.laplacePmf(t);
      assertThat(DiscreteLaplaceSampler.variance(t))
          .isCloseTo(NoiseStats.moment(pmf, 2, 80 * t), withinPercentage(1e-9));
    }
  }

  @Test
  void quantile_scale3_isSmallestWithTailAtMostAlpha() {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.withScale(3);
    LongToDoubleFunction pmf = NoiseStats.laplacePmf(3);
    for (double level : new double[] {0.5, 0.9, 0.95, 0.99}) {
      long m = sampler.quantile(level);
      double inside = 0;
      for (long x = -m; x <= m; x++) {
        inside += pmf.applyAsDouble(x);
      }
      double insideSmaller = inside - 2 * pmf.applyAsDouble(m);
      assertThat(inside).isGreaterThanOrEqualTo(level);
      assertThat(insideSmaller).isLessThan(level);
    }
  }

  @Test
  void sample_sameKeyedStream_isReproducible() {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.withScale(1L << 40);
    KeyedStreamSource a = NoiseStats.seeded("repro");
    KeyedStreamSource b = NoiseStats.seeded("repro");
    for (int i = 0; i < 1000; i++) {
      assertThat(sampler.sample(a)).isEqualTo(sampler.sample(b));
    }
  }

  @Test
  void withScale_zero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> DiscreteLaplaceSampler.withScale(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scale must be in [1, 2^52]; got 0");
  }

  @Test
  void withScale_above2To52_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> DiscreteLaplaceSampler.withScale((1L << 52) + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("scale must be in [1, 2^52]");
  }

  /**
   * A source that is not a BufferedNoiseSource, so samplers use the bit-by-bit Bernoulli trials.
   */
  static NoiseSource unbuffered(NoiseSource inner) {
    return new NoiseSource() {
      @Override
      public long nextLong() {
        return inner.nextLong();
      }

      @Override
      public long nextLong(long bound) {
        return inner.nextLong(bound);
      }

      @Override
      public boolean nextBoolean() {
        return inner.nextBoolean();
      }
    };
  }
}
