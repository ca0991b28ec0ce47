package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;
import org.junit.jupiter.api.Test;

class BernoulliTest {

  /** A source that replays the given words, then fails: shows exactly which bits decide. */
  private static final class Scripted implements NoiseSource {
    private final Deque<Long> words = new ArrayDeque<>();
    int used;

    Scripted(long... values) {
      for (long v : values) {
        words.add(v);
      }
    }

    @Override
    public long nextLong() {
      used++;
      Long next = words.poll();
      if (next == null) {
        throw new IllegalStateException("script exhausted");
      }
      return next;
    }

    @Override
    public long nextLong(long bound) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean nextBoolean() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void half_isDecidedByTheFirstBit() {
    assertThat(Bernoulli.sample(0.5, new Scripted(0x7fff_ffff_ffff_ffffL))).isTrue();
    assertThat(Bernoulli.sample(0.5, new Scripted(0x8000_0000_0000_0000L))).isFalse();
  }

  /** 0.75 = 0.11₂: U &lt; p exactly when U's first two bits are not both 1. */
  @Test
  void threeQuarters_comparesTwoBits() {
    assertThat(Bernoulli.sample(0.75, new Scripted(0xbfff_ffff_ffff_ffffL))).isTrue(); // 0.10111…
    assertThat(Bernoulli.sample(0.75, new Scripted(0xc000_0000_0000_0000L))).isFalse(); // 0.11000…
  }

  /** 2^−100: U &lt; p needs 100 leading zero bits; one 1 anywhere among them decides false. */
  @Test
  void tinyProbability_needsEveryLeadingBitZero() {
    double p = Math.scalb(1.0, -100);
    Scripted zeros = new Scripted(0L, 0L, 0L);
    assertThat(Bernoulli.sample(p, zeros)).isTrue();
    assertThat(zeros.used).isEqualTo(3); // 64 + 35 leading zeros, then one word for the last bit
    Scripted early = new Scripted(1L);
    assertThat(Bernoulli.sample(p, early)).isFalse();
    assertThat(early.used).isEqualTo(1);
    // Bit 99 is the 35th bit of the second word; the bits after it are not read.
    assertThat(Bernoulli.sample(p, new Scripted(0L, 1L << 29))).isFalse();
    assertThat(Bernoulli.sample(p, new Scripted(0L, (1L << 29) - 1, 0L))).isTrue();
    // Bit 100 is the one that must be 0 for U < p.
    assertThat(Bernoulli.sample(p, new Scripted(0L, 0L, 1L << 63))).isFalse();
  }

  /** The smallest subnormal, 2^−1074: 1073 zero bits (16 words and 49 bits), then a 0 bit. */
  @Test
  void smallestSubnormal_isExact() {
    long[] zeros = new long[18];
    assertThat(Bernoulli.sample(Double.MIN_VALUE, new Scripted(zeros))).isTrue();
    long[] lateOne = new long[18];
    lateOne[16] = 1L << 15; // the 49th bit of word 17 from the top: bit 1073 of U
    assertThat(Bernoulli.sample(Double.MIN_VALUE, new Scripted(lateOne))).isFalse();
    long[] lastOne = new long[18];
    lastOne[17] = 1L << 63; // bit 1074 of U, compared with p's only 1 bit
    assertThat(Bernoulli.sample(Double.MIN_VALUE, new Scripted(lastOne))).isFalse();
  }

  /** p = 1 − 2^−53: U &lt; p unless U's first 53 bits are all 1. */
  @Test
  void largestBelowOne_isExact() {
    double p = Math.nextDown(1.0);
    assertThat(Bernoulli.sample(p, new Scripted(0xffff_ffff_ffff_f000L))).isTrue();
    assertThat(Bernoulli.sample(p, new Scripted(0xffff_ffff_ffff_f800L))).isFalse();
  }

  @Test
  void endpoints_needNoRandomness() {
    Scripted none = new Scripted();
    assertThat(Bernoulli.sample(0.0, none)).isFalse();
    assertThat(Bernoulli.sample(1.0, none)).isTrue();
    assertThat(none.used).isZero();
  }

  /**
   * Frequencies: 200,000 draws each at p = 0.3 and p = 1e-3, two-sided binomial tests at α = 1e-6
   * each (false-failure probability below 2e-6; the source is seeded).
   */
  @Test
  void frequencies_matchTheProbability() {
    KeyedStreamSource source = NoiseStats.seeded("bernoulli-double");
    for (double p : new double[] {0.3, 1e-3}) {
      int n = 200_000;
      int hits = 0;
      for (int i = 0; i < n; i++) {
        if (Bernoulli.sample(p, source)) {
          hits++;
        }
      }
      double pValue = new BinomialTest().binomialTest(n, hits, p, AlternativeHypothesis.TWO_SIDED);
      assertThat(pValue).as("p=%s hits=%d", p, hits).isGreaterThan(1e-6);
    }
  }

  @Test
  void badProbability_isRefusedWithItsRange() {
    NoiseSource source = NoiseStats.seeded("bad");
    for (double p : new double[] {Double.NaN, -0.1, 1.5, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> Bernoulli.sample(p, source))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("p must be in [0.0, 1.0]");
    }
  }
}
