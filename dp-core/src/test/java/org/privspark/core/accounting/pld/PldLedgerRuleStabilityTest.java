package org.privspark.core.accounting.pld;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * A PLD ledger's verdict must not depend on which build recomputes it: the genesis value {@code
 * "pld"} names one computation (docs/LEDGER-FORMAT.md §4.1, "pld version 1"). These figures were
 * computed by that computation when it was frozen (2026-12-08) and are compared bit for bit. A
 * change to the PLD code that moves any of them must not ship under the id {@code "pld"}: it needs
 * a new accountant id, and this test is what notices.
 */
class PldLedgerRuleStabilityTest {
  /** The rule's figure at δ = 1e-5 for {@code aCaseWhereTheRdpHalfWins_isFrozen}, as frozen. */
  private static final double RDP_WINS = 0.6285821607589148;

  private static double epsilon(PldTotal total) {
    return total.guarantee(1e-5).epsilon();
  }

  @Test
  void theLedgerSettingsAreVersionOnes() {
    assertThat(PldTotal.SETTINGS).isEqualTo(new PldSettings(1e-4, 1e-15));
  }

  @Test
  void eachEventsFigureIsFrozen() {
    assertThat(epsilon(PldTotal.empty().plus(new GaussianEvent(1.0, 1.0))))
        .isEqualTo(4.377178107774663);
    assertThat(epsilon(PldTotal.empty().plus(new LaplaceEvent(2.0, 1.0))))
        .isEqualTo(0.49998000030036277);
    assertThat(epsilon(PldTotal.empty().plus(new SampledGaussianEvent(0.01, 1.1, 1000))))
        .isEqualTo(1.5154047024850166);
  }

  /** The RDP half of the rule is on frozen orders: today those of the default grid. */
  @Test
  void theRdpOrdersAreFrozen() {
    assertThat(PldTotal.RDP_GRID.orders()).containsExactly(OrderGrid.defaults().orders());
    assertThat(PldTotal.RDP_GRID.size()).isEqualTo(156);
  }

  /**
   * A case where the RDP half wins (a million DP-SGD steps, where the PLD's summed FFT error bounds
   * leave a δ floor): the rule's figure is the RDP figure, bit for bit.
   */
  @Test
  void aCaseWhereTheRdpHalfWins_isFrozen() {
    SampledGaussianEvent run = new SampledGaussianEvent(1e-4, 1.0, 1_000_000L);
    double figure = epsilon(PldTotal.empty().plus(run));
    assertThat(figure)
        .isEqualTo(RdpAccountant.epsilonOf(run, 1e-5, PldTotal.RDP_GRID).epsilon())
        .isEqualTo(RDP_WINS);
  }

  @Test
  void aCompositionsFigureIsFrozen() {
    PrivacyEvent[] events = {
      new GaussianEvent(1.0, 1.0),
      new LaplaceEvent(2.0, 1.0),
      new SampledGaussianEvent(0.01, 1.1, 1000)
    };
    PldTotal total = PldTotal.empty();
    for (PrivacyEvent e : events) {
      total = total.plus(e);
    }
    assertThat(epsilon(total)).isEqualTo(5.0634235304531945);
  }
}
