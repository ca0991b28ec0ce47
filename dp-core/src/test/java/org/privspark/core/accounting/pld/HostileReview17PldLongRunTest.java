package org.privspark.core.accounting.pld;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * Hostile review of issue 17, item 1 (utility, not privacy): on long runs the FFT error bound,
 * summed over the ~2·log₂(steps) compositions, becomes a δ floor near the target δ (δ(50) ≈ 7e-6 at
 * 1e6 steps), and ε(1e-5) is driven far above even RDP's: q = 1e-4, z = 1 gives PLD ε ≈ 3.95 vs RDP
 * 0.48 at 1e5 steps, 38.7 vs 0.63 at 1e6. docs/ACCOUNTING.md sells PLD as the tighter accountant; a
 * PLD budget or noise calibration for such a run spends/adds far more than needed. Deterministic:
 * no false failures.
 */
class HostileReview17PldLongRunTest {
  @Test
  void longDpSgdRun_pldIsNotLooserThanRdp() {
    SampledGaussianEvent run = new SampledGaussianEvent(1e-4, 1.0, 1_000_000L);
    double rdp = RdpAccountant.epsilonOf(run, 1e-5, OrderGrid.defaults()).epsilon();
    assertThat(PldAccountant.epsilon(run, 1e-5)).isLessThanOrEqualTo(rdp);
  }

  @Test
  void longDpSgdRun_deltaFloorStaysFarBelowTheTargetDelta() {
    PrivacyLossDistribution pld =
        PrivacyLossDistribution.of(
            new SampledGaussianEvent(1e-4, 1.0, 1_000_000L), PldSettings.defaults());
    // At ε = 50 the exact δ is astronomically small; what is left is the accountant's own error.
    assertThat(pld.delta(50)).isLessThan(1e-7);
  }
}
