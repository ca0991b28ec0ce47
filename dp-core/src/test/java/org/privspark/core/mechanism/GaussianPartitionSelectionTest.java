package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

class GaussianPartitionSelectionTest {
  private static final Secret SECRET = Secret.fromBytes(new byte[32]);

  @Test
  void event_withinEpsilonDelta_byTheAccountant() {
    for (long l0 : new long[] {1, 4, 30}) {
      GaussianPartitionSelection s = GaussianPartitionSelection.of(1.0, 1e-6, l0, 1);
      assertThat(RdpAccountant.epsilonOf(s.event(), 1e-6, OrderGrid.defaults()).epsilon())
          .isLessThanOrEqualTo(1.0);
      assertThat(s.event().additiveDelta()).isEqualTo(5e-7);
    }
  }

  /**
   * A group made by one unit is kept with probability at most δ/2 = 0.1 (L0 = 1, δ = 0.2; the
   * sub-Gaussian bound is loose, so the real rate is lower). 40,000 trials: the count must stay
   * below 0.1·N + 5 standard errors (false-failure probability about 3e-7; seeded).
   */
  @Test
  void keep_singleUnitGroup_keptWithProbabilityAtMostHalfDelta() {
    GaussianPartitionSelection s = GaussianPartitionSelection.of(1.0, 0.2, 1, 1);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "single");
    int n = 40_000;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (s.keep(1, source)) {
        kept++;
      }
    }
    assertThat((double) kept).isLessThan(0.1 * n + 5 * Math.sqrt(0.1 * 0.9 * n));
  }

  @Test
  void keep_largeGroups_keptAndPreThresholdDropsSmallOnes() {
    GaussianPartitionSelection s = GaussianPartitionSelection.of(1.0, 1e-6, 5, 20);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "large");
    assertThat(s.keep(19, source)).isFalse();
    assertThat(s.keep(100_000, source)).isTrue();
    assertThat(s.threshold()).isGreaterThan(1);
  }

  @Test
  void deltaEvent_isZeroCurvePlusAdditiveDelta() {
    DeltaEvent e = new DeltaEvent(1e-7);
    assertThat(e.rdp(5)).isZero();
    assertThat(e.pureEpsilon()).isZero();
    assertThat(new RdpAccountant().compose(e).epsilon(2e-7).epsilon()).isZero();
    assertThatThrownBy(() -> new DeltaEvent(0)).hasMessage("delta must be in (0.0, 1.0); got 0.0");
  }

  @Test
  void of_badArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> GaussianPartitionSelection.of(1, 1e-6, 0, 1))
        .hasMessage("maxPartitionsContributed must be >= 1; got 0");
    assertThatThrownBy(() -> GaussianPartitionSelection.of(1, 1.0, 1, 1))
        .hasMessage("delta must be in (0.0, 1.0); got 1.0");
  }
}
