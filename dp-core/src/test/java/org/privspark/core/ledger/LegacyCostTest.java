package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The tolerance of format versions 1 and 2 (docs/LEDGER-FORMAT.md §9.1): max(256, min(⌈v·2^−16⌉,
 * 2^32)) units.
 */
class LegacyCostTest {
  private static final long INF = FixedPointCost.INFINITE;

  @Test
  void tolerance_isTheMinimumForSmallValues_relativeInBetween_andCapped() {
    assertThat(LegacyCost.tolerance(0)).isEqualTo(256);
    assertThat(LegacyCost.tolerance(256L << 16)).isEqualTo(256);
    assertThat(LegacyCost.tolerance((256L << 16) + 1)).isEqualTo(257); // rounded up
    assertThat(LegacyCost.tolerance(1L << 40)).isEqualTo(1L << 24); // value 1.0: 2^−16 of it
    assertThat(LegacyCost.tolerance(1L << 48)).isEqualTo(1L << 32);
    assertThat(LegacyCost.tolerance(1L << 60)).isEqualTo(1L << 32);
    assertThat(LegacyCost.tolerance(INF)).isEqualTo(1L << 32);
  }

  @Test
  void accepts_withinTheToleranceEitherSide_only() {
    long v = 1L << 40;
    long tol = 1L << 24;
    assertThat(LegacyCost.accepts(v - tol, v)).isTrue();
    assertThat(LegacyCost.accepts(v + tol, v)).isTrue();
    assertThat(LegacyCost.accepts(v - tol - 1, v)).isFalse();
    assertThat(LegacyCost.accepts(v + tol + 1, v)).isFalse();
    assertThat(LegacyCost.accepts(0, 256)).isTrue();
    assertThat(LegacyCost.accepts(0, 257)).isFalse();
  }

  @Test
  void accepts_infinityOnlyForInfinity() {
    assertThat(LegacyCost.accepts(INF, INF)).isTrue();
    assertThat(LegacyCost.accepts(INF - 1, INF)).isFalse();
    assertThat(LegacyCost.accepts(INF, INF - 1)).isFalse();
  }

  @Test
  void accepts_wholeCosts_holdsEveryValue_andDeltaExactly() {
    FixedPointCost today = new FixedPointCost(new long[] {1000, 1L << 40}, 5000, 1e-9);
    assertThat(
            LegacyCost.accepts(
                new FixedPointCost(new long[] {999, (1L << 40) - 5}, 5100, 1e-9), today))
        .isTrue();
    assertThat(
            LegacyCost.accepts(
                new FixedPointCost(new long[] {1000, 1L << 40}, 5000 - 257, 1e-9), today))
        .isFalse();
    assertThat(
            LegacyCost.accepts(
                new FixedPointCost(new long[] {1000 + 257, 1L << 40}, 5000, 1e-9), today))
        .isFalse();
    assertThat(
            LegacyCost.accepts(
                new FixedPointCost(new long[] {1000, 1L << 40}, 5000, Math.nextDown(1e-9)), today))
        .isFalse();
    assertThat(LegacyCost.accepts(new FixedPointCost(new long[] {1000}, 5000, 1e-9), today))
        .isFalse();
  }
}
