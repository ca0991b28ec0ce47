package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frequencies of the exact Bernoulli trials. Each check draws N = 200k trials and accepts the
 * empirical frequency within 5 binomial standard errors √(p(1 − p)/N): about 5.7e-7 false-failure
 * probability per check (normal approximation). Seeded, so deterministic.
 */
class BernoulliExpTest {
  private static final int N = 200_000;

  @ParameterizedTest
  @CsvSource({"1, 3", "2, 7", "5, 8", "999999999989, 1000000000000", "1, 4611686018427387904"})
  void bernoulli_bothStrategies_matchProbability(long n, long d) {
    double p = (double) n / d;
    KeyedStreamSource words = NoiseStats.seeded("bern-words-" + n + "/" + d);
    NoiseSource bits = DiscreteLaplaceSamplerTest.unbuffered(NoiseStats.seeded("bern-bits-" + n));
    assertFrequency(() -> BernoulliExp.bernoulli(words, n, d), p);
    assertFrequency(() -> BernoulliExp.bernoulli(bits, n, d), p);
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "1, 2", "1, 1", "5, 2", "7, 3", "30, 7"})
  void exp_rationalGamma_matchesExpMinusGamma(long n, long d) {
    double p = Math.exp(-(double) n / d);
    KeyedStreamSource source = NoiseStats.seeded("exp-" + n + "/" + d);
    assertFrequency(() -> BernoulliExp.exp(source, n, d), p);
  }

  @Test
  void exp_bigIntegerPath_matchesExpMinusGamma() {
    // γ = (3·2^70 + 1)/(2^71) ≈ 1.5, with a denominator beyond the long path.
    BigInteger d = BigInteger.ONE.shiftLeft(71).add(BigInteger.ONE);
    BigInteger n = d.multiply(BigInteger.valueOf(3)).shiftRight(1);
    double gamma = n.doubleValue() / d.doubleValue();
    KeyedStreamSource source = NoiseStats.seeded("exp-big");
    assertFrequency(() -> BernoulliExp.exp(source, n, d), Math.exp(-gamma));
  }

  @Test
  void expMinusOne_matchesOneOverE() {
    KeyedStreamSource source = NoiseStats.seeded("exp-minus-one");
    assertFrequency(() -> BernoulliExp.expMinusOne(source), Math.exp(-1));
  }

  @Test
  void uniform_bigBound_staysBelowBound() {
    BigInteger bound = BigInteger.ONE.shiftLeft(100).add(BigInteger.valueOf(12345));
    KeyedStreamSource source = NoiseStats.seeded("uniform-big");
    boolean sawHighHalf = false;
    for (int i = 0; i < 1000; i++) {
      BigInteger u = BernoulliExp.uniform(source, bound);
      assertThat(u.signum()).isGreaterThanOrEqualTo(0);
      assertThat(u).isLessThan(bound);
      sawHighHalf |= u.testBit(99);
    }
    assertThat(sawHighHalf).isTrue(); // probability 2^-1000 of failing by chance
  }

  private static void assertFrequency(BooleanSupplier trial, double p) {
    int hits = 0;
    for (int i = 0; i < N; i++) {
      if (trial.getAsBoolean()) {
        hits++;
      }
    }
    double tolerance = 5 * Math.sqrt(p * (1 - p) / N) + 1e-12;
    assertThat((double) hits / N).isCloseTo(p, org.assertj.core.api.Assertions.within(tolerance));
  }
}
