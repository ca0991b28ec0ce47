package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

class TruncatedGeometricPartitionSelectionTest {
  private static final Secret SECRET = Secret.fromBytes(new byte[32]);
  private static final double[][] PARAMETERS = {
    // ε, δ, L0
    {1.0, 1e-6, 1}, {1.0, 1e-6, 5}, {0.1, 1e-10, 1}, {5.0, 1e-3, 1}, {1e-3, 1e-8, 2},
    {0.5, 0.2, 3}, {30.0, 1e-5, 1}, {200.0, 1e-9, 1}, {12.0, 1e-12, 1}, {1e-4, 1e-9, 1},
  };

  /** The closed form equals the paper's recursion, evaluated step by step at the same ε₁, δ₁. */
  @Test
  void keepProbability_equalsTheRecursion() {
    for (double[] p : PARAMETERS) {
      TruncatedGeometricPartitionSelection s =
          TruncatedGeometricPartitionSelection.of(p[0], p[1], (long) p[2]);
      double e1 = Math.min(10, p[0] / p[2] * (1 - 1e-6));
      double d1 = p[1] / p[2] * (1 - 1e-6);
      double pi = 0;
      for (long n = 1; pi < 1; n++) {
        pi = Math.min(1, Math.min(Math.exp(e1) * pi + d1, 1 - Math.exp(-e1) * (1 - pi - d1)));
        assertThat(s.keepProbability(n))
            .as("eps=%s delta=%s L0=%s n=%d", p[0], p[1], p[2], n)
            .isCloseTo(pi, within(1e-12 + 1e-9 * pi));
      }
    }
  }

  /**
   * The privacy constraints between n − 1 and n units, checked in exact decimal arithmetic on the
   * doubles the mechanism draws with (keep probabilities up to step m, drop probabilities after),
   * at the nominal ε₁ = ε/L0 and δ₁ = δ/L0 (with e^ε₁ rounded down): P[keep | n] ≤ e^ε₁·P[keep |
   * n−1] + δ₁ and P[drop | n−1] ≤ e^ε₁·P[drop | n] + δ₁.
   */
  @Test
  void keepProbability_satisfiesEpsilonDeltaBetweenNeighbours() {
    for (double[] p : PARAMETERS) {
      TruncatedGeometricPartitionSelection s =
          TruncatedGeometricPartitionSelection.of(p[0], p[1], (long) p[2]);
      BigDecimal expEps =
          new BigDecimal(Math.nextDown(Math.min(Math.exp(p[0] / p[2]), Double.MAX_VALUE)));
      BigDecimal d1 = new BigDecimal(Math.nextDown(p[1] / p[2]));
      BigDecimal previous = BigDecimal.ZERO;
      for (long n = 1; previous.compareTo(BigDecimal.ONE) < 0; n++) {
        BigDecimal current =
            n <= s.lastGrowthStep()
                ? new BigDecimal(s.keepProbability(n))
                : BigDecimal.ONE.subtract(new BigDecimal(s.dropProbability(n)));
        assertThat(current)
            .as("keep, n=%d %s", n, s)
            .isLessThanOrEqualTo(expEps.multiply(previous).add(d1));
        BigDecimal dropBefore = BigDecimal.ONE.subtract(previous);
        BigDecimal dropNow = BigDecimal.ONE.subtract(current);
        assertThat(dropBefore)
            .as("drop, n=%d %s", n, s)
            .isLessThanOrEqualTo(expEps.multiply(dropNow).add(d1));
        assertThat(current).as("monotone, n=%d", n).isGreaterThanOrEqualTo(previous);
        previous = current;
      }
    }
  }

  /** A group of one unit is kept with probability δ/L0 (less the 10^-6 margin), as in the paper. */
  @Test
  void singleUnit_keptWithProbabilityDeltaOverL0() {
    TruncatedGeometricPartitionSelection s = TruncatedGeometricPartitionSelection.of(1.0, 1e-6, 4);
    assertThat(s.keepProbability(1)).isCloseTo(0.25e-6 * (1 - 1e-6), within(1e-20));
    assertThat(s.keepProbability(0)).isZero();
  }

  /**
   * Optimality shows as utility: at ε = 1, δ = 1e-6, L0 = 1 the number of units at which a group is
   * kept half the time is below the Laplace threshold, and the selection is certain well before
   * Laplace thresholding is.
   */
  @Test
  void halfKeepPoint_isBelowLaplaceThreshold() {
    TruncatedGeometricPartitionSelection s = TruncatedGeometricPartitionSelection.of(1.0, 1e-6, 1);
    LaplacePartitionSelection laplace = LaplacePartitionSelection.of(1.0, 1e-6, 1);
    long half = 1;
    while (s.keepProbability(half) < 0.5) {
      half++;
    }
    assertThat((double) half).isLessThan(laplace.threshold());
    // Theorem 1's crossover: π(n) < 1/2 while δ(e^{nε} − 1)/(e^ε − 1) ≤ 1/2, i.e. n ≈ 14.
    assertThat(half).isBetween(13L, 15L);
  }

  /**
   * The pre-threshold p shifts the curve: fewer than p units are never kept, p units act as one.
   */
  @Test
  void preThreshold_shiftsTheCurve() {
    TruncatedGeometricPartitionSelection plain =
        TruncatedGeometricPartitionSelection.of(1.0, 1e-6, 1);
    TruncatedGeometricPartitionSelection shifted =
        TruncatedGeometricPartitionSelection.of(1.0, 1e-6, 1, 10);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "pre");
    for (long n = 0; n < 10; n++) {
      assertThat(shifted.keepProbability(n)).isZero();
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(shifted.keep(9, source)).isFalse();
    }
    for (long n = 10; n < 60; n++) {
      assertThat(shifted.keepProbability(n)).isEqualTo(plain.keepProbability(n - 9));
    }
  }

  /**
   * keep() draws with the computed probability: at the half-keep point (π ≈ 0.5) and at n = 10 (π ≈
   * 0.013), 100,000 seeded trials each, two-sided binomial tests at α = 1e-6 each.
   */
  @Test
  void keep_frequencyMatchesKeepProbability() {
    TruncatedGeometricPartitionSelection s = TruncatedGeometricPartitionSelection.of(1.0, 1e-6, 1);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "frequency");
    for (long units : new long[] {14, 10}) {
      int trials = 100_000;
      int kept = 0;
      for (int i = 0; i < trials; i++) {
        if (s.keep(units, source)) {
          kept++;
        }
      }
      double pValue =
          new BinomialTest()
              .binomialTest(
                  trials, kept, s.keepProbability(units), AlternativeHypothesis.TWO_SIDED);
      assertThat(pValue).as("units=%d kept=%d", units, kept).isGreaterThan(1e-6);
    }
  }

  @Test
  void event_isApproximateDpAtTheGivenBudget() {
    assertThat(TruncatedGeometricPartitionSelection.of(0.7, 1e-7, 3).event())
        .isEqualTo(new ApproximateDpEvent(0.7, 1e-7));
  }

  @Test
  void badArguments_areRefusedWithTheirRange() {
    assertThatThrownBy(() -> TruncatedGeometricPartitionSelection.of(0, 1e-6, 1))
        .hasMessageContaining("epsilon must be finite and > 0");
    assertThatThrownBy(() -> TruncatedGeometricPartitionSelection.of(1, 0, 1))
        .hasMessageContaining("delta must be in (0.0, 1.0)");
    assertThatThrownBy(() -> TruncatedGeometricPartitionSelection.of(1, 1e-6, 0))
        .hasMessageContaining("maxPartitionsContributed must be >= 1");
    assertThatThrownBy(() -> TruncatedGeometricPartitionSelection.of(1, 1e-6, 1, 0))
        .hasMessageContaining("preThreshold must be >= 1");
    assertThatThrownBy(() -> TruncatedGeometricPartitionSelection.of(1e-6, 1e-6, 100))
        .hasMessageContaining("epsilon / maxPartitionsContributed must be >= 2^-24");
  }
}
