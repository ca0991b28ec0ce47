package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.internal.LogMath;

/**
 * Hostile review of issue 17, item 2: the PLD accountant's overflow (see
 * accounting.pld.HostileReview17PldOverflowTest) reaches PLD ledgers. One DP-SGD step at q = 0.5, z
 * = 0.03 has a true ε(1e-5) above 500 (its remove-direction loss is ≈ 555 with probability ≈ ½),
 * yet a PLD ledger of ε = 1 admits it and the auditor, recomputing with the same accountant,
 * reports it intact at ε ≈ 0.69. Closed-form comparison: no false failures.
 */
class HostileReview17PldLedgerTest {
  private static final double DELTA = 1e-5;
  private static final double Q = 0.5;
  private static final double Z = 0.03;
  private static final PrivacyEvent STEP = new SampledGaussianEvent(Q, Z, 1);

  @TempDir Path dir;

  private static double phi(double x) {
    return x > 40 ? 1 : LogMath.normalCdf(x);
  }

  /** Exact δ(ε), remove direction, of one Poisson-subsampled Gaussian step. */
  private static double exactRemoveDelta(double eps) {
    double x = Z * Z * StrictMath.log1p(StrictMath.expm1(eps) / Q) + 0.5;
    return (1 - Q) * phi(-x / Z) + Q * phi((1 - x) / Z) - StrictMath.exp(eps) * phi(-x / Z);
  }

  private LedgerFixture pldLedger(Path where) throws Exception {
    return new LedgerFixture(
        where,
        LedgerGenesis.TRANSPARENT,
        Accountant.PLD,
        1.0,
        DELTA,
        OrderGrid.defaults(),
        PrivacyUnit.of("person", ""));
  }

  @Test
  void pldLedgerOfEpsilonOne_refusesAStepWhoseTrueEpsilonIsAbove500() throws Exception {
    assertThat(exactRemoveDelta(1.0)).as("exact δ at ε = 1").isGreaterThan(0.4);
    LedgerFixture f = pldLedger(dir.resolve("l"));
    assertThatThrownBy(
            () -> f.ledger.budget().charge(STEP, UnitClaim.perUnit("person"), "dp-sgd", "", null))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(f.ledger.entries()).isZero();
  }

  @Test
  void auditor_neverReportsASpentEpsilonBelowTheExactOne() throws Exception {
    LedgerFixture f = pldLedger(dir.resolve("l"));
    try {
      f.ledger.budget().charge(STEP, UnitClaim.perUnit("person"), "dp-sgd", "", null);
    } catch (BudgetExhaustedException refused) {
      return; // the writer refused it: nothing for the auditor to misreport
    }
    AuditReport report = f.verify();
    // Either the auditor rejects the over-budget ledger, or its figure is not optimistic.
    if (report.intact()) {
      assertThat(exactRemoveDelta(report.spentEpsilon()))
          .as("exact δ at the auditor's spent ε=%s", report.spentEpsilon())
          .isLessThanOrEqualTo(DELTA);
    }
  }
}
