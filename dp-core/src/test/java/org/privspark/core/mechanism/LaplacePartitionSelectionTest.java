package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

class LaplacePartitionSelectionTest {
  private static final Secret SECRET = Secret.fromBytes(new byte[32]);

  /** Google's continuous-Laplace threshold 1 − (L0/ε)·ln(2δₐ); ours is the discrete analogue. */
  @Test
  void threshold_matchesTheContinuousFormulaClosely() {
    for (long l0 : new long[] {1, 5, 20}) {
      double eps = 1.0;
      double delta = 1e-6;
      double adjusted = -Math.expm1(Math.log1p(-delta) / l0);
      double google = 1 - (l0 / eps) * Math.log(2 * adjusted);
      LaplacePartitionSelection s = LaplacePartitionSelection.of(eps, delta, l0);
      assertThat(s.threshold()).isBetween(google - 1e-6 * google, google + 1e-6 * google);
    }
  }

  /**
   * A group with one unit is kept with probability at most δₐ. At ε = 2, δ = 0.05, L0 = 1 that is
   * 0.05: 40,000 trials, kept count must stay below 0.05·N + 5 standard errors (false-failure
   * probability about 3e-7, seeded) and above 0.04·N (the threshold is tight, not wasteful).
   */
  @Test
  void keep_singleUnitGroup_keptWithProbabilityAtMostDelta() {
    LaplacePartitionSelection s = LaplacePartitionSelection.of(2.0, 0.05, 1);
    int n = 40_000;
    int kept = 0;
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "single-unit");
    for (int i = 0; i < n; i++) {
      if (s.keep(1, source)) {
        kept++;
      }
    }
    double se = Math.sqrt(0.05 * 0.95 / n) * n;
    assertThat((double) kept).isLessThan(0.05 * n + 5 * se).isGreaterThan(0.04 * n);
  }

  @Test
  void keep_largeGroups_areKept_andPreThresholdDropsSmallOnes() {
    LaplacePartitionSelection s = LaplacePartitionSelection.of(1.0, 1e-6, 3, 10);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "large");
    assertThat(s.keep(9, source)).isFalse();
    assertThat(s.keep(10_000, source)).isTrue();
    assertThat(s.event().epsilon()).isLessThanOrEqualTo(1.0);
    assertThat(s.event().delta()).isEqualTo(1e-6);
  }

  @Test
  void of_badArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> LaplacePartitionSelection.of(0, 1e-6, 1))
        .hasMessage("epsilon must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> LaplacePartitionSelection.of(1, 0, 1))
        .hasMessage("delta must be in (0.0, 1.0); got 0.0");
    assertThatThrownBy(() -> LaplacePartitionSelection.of(1, 1e-6, 0))
        .hasMessage("maxPartitionsContributed must be >= 1; got 0");
    assertThatThrownBy(() -> LaplacePartitionSelection.of(1, 1e-6, 1, 0))
        .hasMessage("preThreshold must be >= 1; got 0");
  }
}
