package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class GeometricTrialsTest {

  /**
   * 20,000 draws at γ = 0.3 against P[K = k] = γ(1 − γ)^(k−1), bins 1..15 and a tail. Seeded: the
   * outcome is fixed; with fresh randomness this test would fail with probability 1e-6 (the level).
   */
  @Test
  void sample_20kDraws_matchesTheGeometricDistribution() {
    double gamma = 0.3;
    NoiseSource source = NoiseStats.seeded("geometric-trials");
    int n = 20_000;
    int bins = 16;
    long[] observed = new long[bins];
    for (int i = 0; i < n; i++) {
      long k = GeometricTrials.sample(gamma, source);
      assertThat(k).isGreaterThanOrEqualTo(1);
      observed[(int) Math.min(k, bins) - 1]++;
    }
    double[] expected = new double[bins];
    double tail = 1;
    for (int k = 1; k < bins; k++) {
      double p = gamma * Math.pow(1 - gamma, k - 1);
      expected[k - 1] = n * p;
      tail -= p;
    }
    expected[bins - 1] = n * tail;
    assertThat(new ChiSquareTest().chiSquareTest(expected, observed)).isGreaterThan(1e-6);
  }

  @Test
  void sample_gammaOne_isAlwaysOne() {
    NoiseSource source = NoiseStats.seeded("geometric-one");
    for (int i = 0; i < 100; i++) {
      assertThat(GeometricTrials.sample(1.0, source)).isEqualTo(1);
    }
  }

  @Test
  void sample_gammaZero_throwsNamingGamma() {
    assertThatThrownBy(() -> GeometricTrials.sample(0.0, NoiseStats.seeded("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gamma");
  }

  @Test
  void releaseKeyPart_distinctLabels_giveDistinctStreams() {
    ReleaseKey key = ReleaseKey.of(Secret.generate(), new byte[Secret.RELEASE_ID_LENGTH]);
    long a = KeyedStreamSource.forCell(key.part("r1"), "c").nextLong();
    long b = KeyedStreamSource.forCell(key.part("r2"), "c").nextLong();
    long again = KeyedStreamSource.forCell(key.part("r1"), "c").nextLong();
    long whole = KeyedStreamSource.forCell(key, "c").nextLong();
    assertThat(a).isEqualTo(again).isNotEqualTo(b).isNotEqualTo(whole);
    assertThat(key.part("r1").releaseId()).isEqualTo(key.releaseId());
  }
}
