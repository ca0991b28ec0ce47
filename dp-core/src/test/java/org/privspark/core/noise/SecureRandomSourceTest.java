package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecureRandomSourceTest {
  @Test
  void create_usesJdkDrbg() {
    assertThat(SecureRandomSource.create().algorithm()).isEqualTo("DRBG");
    assertThat(SecureRandomSource.newDefaultGenerator().toString()).contains("256");
  }

  /**
   * Unseeded (fresh OS entropy), so the bound is loose: each of the 64 bit positions over 100k
   * longs must have a frequency within 6 binomial standard errors of 1/2; a correct generator fails
   * with probability below 64 · 2e-9 ≈ 1.3e-7.
   */
  @Test
  void nextLong_everyBitPosition_isBalanced() {
    SecureRandomSource source = SecureRandomSource.create();
    int n = 100_000;
    int[] ones = new int[64];
    for (int i = 0; i < n; i++) {
      long x = source.nextLong();
      for (int b = 0; b < 64; b++) {
        ones[b] += (int) ((x >>> b) & 1);
      }
    }
    double tolerance = 6 * Math.sqrt(0.25 / n);
    for (int b = 0; b < 64; b++) {
      assertThat(ones[b] / (double) n)
          .as("bit %d", b)
          .isCloseTo(0.5, org.assertj.core.api.Assertions.within(tolerance));
    }
  }

  @Test
  void nextLong_bound_staysInRange() {
    SecureRandomSource source = SecureRandomSource.wrapping(new SecureRandom());
    for (int i = 0; i < 10_000; i++) {
      assertThat(source.nextLong(7)).isBetween(0L, 6L);
      assertThat(source.nextLong(Long.MAX_VALUE)).isBetween(0L, Long.MAX_VALUE - 1);
    }
  }

  @Test
  void nextLong_negativeBound_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> SecureRandomSource.create().nextLong(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bound must be >= 1; got -5");
  }

  @Test
  void wrapping_null_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> SecureRandomSource.wrapping(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("random must not be null");
  }
}
