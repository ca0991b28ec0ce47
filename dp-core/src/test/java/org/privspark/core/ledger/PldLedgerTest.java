package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.ZcdpEvent;
import org.privspark.core.accounting.pld.PldTotal;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.HtmlReport;
import org.privspark.core.audit.ReportContext;
import org.privspark.core.audit.ReportJson;

/**
 * A ledger whose genesis names the PLD accountant (docs/LEDGER-FORMAT.md §4.1): its writer admits
 * spends under the PLD composition of every entry's event, entries still record their RDP cost, and
 * the auditor recomputes the spent ε with the same accountant.
 */
class PldLedgerTest {
  private static final double DELTA = 1e-5;
  private static final PrivacyUnit PERSON = PrivacyUnit.of("person", "");
  private static final UnitClaim CLAIM = UnitClaim.perUnit("person");

  /** A DP-SGD run: q = 0.05, z = 1.5, 50 steps. */
  private static final PrivacyEvent DP_SGD = new SampledGaussianEvent(0.05, 1.5, 50);

  /** A Gaussian release of noise multiplier 20. */
  private static final PrivacyEvent GAUSSIAN = GaussianEvent.withNoiseMultiplier(20);

  private static final List<PrivacyEvent> WORKLOAD = List.of(DP_SGD, GAUSSIAN, GAUSSIAN);

  @TempDir Path dir;

  private LedgerFixture ledger(Path where, Accountant accountant, double epsilon) {
    return new LedgerFixture(
        where, LedgerGenesis.TRANSPARENT, accountant, epsilon, DELTA, OrderGrid.defaults(), PERSON);
  }

  private static double pldEpsilon(List<PrivacyEvent> events) {
    PldTotal total = PldTotal.empty();
    for (PrivacyEvent e : events) {
      total = total.plus(e, PldTotal.of(e));
    }
    return total.guarantee(DELTA).epsilon();
  }

  private static double rdpEpsilon(List<PrivacyEvent> events) {
    RdpAccountant rdp = new RdpAccountant(OrderGrid.defaults());
    events.forEach(rdp::compose);
    return rdp.epsilon(DELTA).epsilon();
  }

  private static void charge(PrivacyBudget budget, PrivacyEvent event) {
    budget.charge(
        event, CLAIM, event instanceof SampledGaussianEvent ? "dp-sgd" : "gaussian", "", null);
  }

  @Test
  void pldLedger_admitsWhatAnRdpLedgerOfTheSameBudgetRefuses_andVerifiesWithThePldFigure()
      throws Exception {
    double pld = pldEpsilon(WORKLOAD);
    double rdp = rdpEpsilon(WORKLOAD);
    assertThat(pld).as("PLD is tighter than RDP here").isLessThan(rdp);
    double epsilon = (pld + rdp) / 2;

    LedgerFixture onRdp = ledger(dir.resolve("rdp"), Accountant.RDP, epsilon);
    assertThatThrownBy(() -> WORKLOAD.forEach(e -> charge(onRdp.ledger.budget(), e)))
        .isInstanceOf(BudgetExhaustedException.class);

    LedgerFixture onPld = ledger(dir.resolve("pld"), Accountant.PLD, epsilon);
    PrivacyBudget budget = onPld.ledger.budget();
    assertThat(budget.accountant()).isEqualTo(Accountant.PLD);
    WORKLOAD.forEach(e -> charge(budget, e));
    assertThat(onPld.ledger.entries()).isEqualTo(WORKLOAD.size());
    assertThat(budget.spent().epsilon()).isEqualTo(pld);

    // Entries record their RDP cost, as in every ledger.
    assertThat(onPld.read(1).cost()).isEqualTo(FixedPointCost.of(DP_SGD, OrderGrid.defaults()));

    AuditReport report = onPld.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.accountant()).isEqualTo(Accountant.PLD);
    assertThat(report.spentEpsilon()).isEqualTo(pld);
    assertThat(report.budgetEpsilon()).isEqualTo(epsilon);
    assertThat(report.timeline().get(0).epsilon()).isEqualTo(pldEpsilon(List.of(DP_SGD)));
    assertThat(report.timeline().get(2).epsilon()).isEqualTo(pld);
    assertThat(report.mechanisms().get("dp-sgd").epsilon()).isEqualTo(pldEpsilon(List.of(DP_SGD)));
    assertThat(report.mechanisms().get("gaussian").epsilon())
        .isEqualTo(pldEpsilon(List.of(GAUSSIAN, GAUSSIAN)));
    assertThat(ReportJson.render(report)).contains("\"accountant\":\"pld\"");
    assertThat(HtmlReport.render(report, ReportContext.now(onPld.signer.verifier(), "test")))
        .contains("PLD (privacy-loss distributions)");

    // A writer that opens the ledger replays the same PLD total.
    Ledger reopened = Ledger.open(onPld.store, onPld.signer, onPld.openings);
    assertThat(reopened.accountant()).isEqualTo(Accountant.PLD);
    assertThat(reopened.spent().epsilon()).isEqualTo(pld);
  }

  /**
   * The writer's budget check composes the new event onto the replay's running total once, and
   * accepting the entry it wrote reuses that composition: one spend, one composition, whatever the
   * history. An auditor composes once per entry.
   */
  @Test
  void oneSpend_isOnePldComposition_notARecompositionOfTheHistory() {
    LedgerFixture f = ledger(dir, Accountant.PLD, 10.0);
    PrivacyBudget budget = f.ledger.budget();
    for (int i = 0; i < 3; i++) {
      assertThat(LedgerReplay.pldCompositionsDuring(() -> charge(budget, GAUSSIAN)))
          .as("spend %d", i + 1)
          .isEqualTo(1);
    }
    assertThat(LedgerReplay.pldCompositionsDuring(() -> f.verify())).isEqualTo(3);
  }

  @Test
  void genesis_recordsPld_andAnRdpGenesisHasNoField() throws Exception {
    LedgerFixture onPld = ledger(dir.resolve("pld"), Accountant.PLD, 1.0);
    LedgerFixture onRdp = ledger(dir.resolve("rdp"), Accountant.RDP, 1.0);
    byte[] pldBytes = Files.readAllBytes(onPld.store.root().resolve(LedgerLayout.GENESIS));
    byte[] rdpBytes = Files.readAllBytes(onRdp.store.root().resolve(LedgerLayout.GENESIS));
    assertThat(new String(pldBytes, StandardCharsets.UTF_8)).contains("\"accountant\":\"pld\"");
    assertThat(new String(rdpBytes, StandardCharsets.UTF_8)).doesNotContain("accountant");
    assertThat(LedgerGenesis.decode(pldBytes).accountant()).isEqualTo(Accountant.PLD);
    assertThat(LedgerGenesis.decode(rdpBytes).accountant()).isEqualTo(Accountant.RDP);
    assertThat(LedgerGenesis.decode(pldBytes).encode()).isEqualTo(pldBytes);
    AuditReport report = onRdp.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.accountant()).isEqualTo(Accountant.RDP);
    assertThat(ReportJson.render(report)).contains("\"accountant\":\"rdp\"");
  }

  @Test
  void overBudget_isRefusedWithTheFigures_andWritesNothing() throws Exception {
    double one = pldEpsilon(List.of(DP_SGD));
    double two = pldEpsilon(List.of(DP_SGD, DP_SGD));
    LedgerFixture f = ledger(dir, Accountant.PLD, (one + two) / 2);
    PrivacyBudget budget = f.ledger.budget();
    charge(budget, DP_SGD);
    List<String> files = files(f);
    assertThatThrownBy(() -> charge(budget, DP_SGD))
        .isInstanceOfSatisfying(
            BudgetExhaustedException.class,
            e -> {
              assertThat(e.spentEpsilon()).isEqualTo(one);
              assertThat(e.requestedEpsilon()).isEqualTo(two);
            })
        .hasMessageContaining("privacy budget exhausted")
        .hasMessageContaining("(PLD accountant)");
    assertThat(files(f)).isEqualTo(files);
    assertThat(f.ledger.entries()).isEqualTo(1);
    assertThat(f.ledger.spent().epsilon()).isEqualTo(one);
    charge(budget, GAUSSIAN);
    assertThat(f.ledger.spent().epsilon()).isEqualTo(pldEpsilon(List.of(DP_SGD, GAUSSIAN)));
    assertThat(f.verify().intact()).isTrue();
  }

  @Test
  void eventWithoutPld_isRefusedBeforeAnythingIsWritten() throws Exception {
    LedgerFixture f = ledger(dir, Accountant.PLD, 10.0);
    charge(f.ledger.budget(), GAUSSIAN);
    List<String> files = files(f);
    List<String> openings = openingFiles(f);
    assertThatThrownBy(() -> charge(f.ledger.budget(), new ZcdpEvent(0.01)))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("ZcdpEvent")
        .hasMessageContaining("use an RDP ledger");
    assertThat(files(f)).isEqualTo(files);
    assertThat(openingFiles(f)).isEqualTo(openings);
    assertThat(f.ledger.entries()).isEqualTo(1);
  }

  @Test
  void confidentialPldLedger_isRefusedAtCreation_andNothingIsWritten() {
    assertThatThrownBy(
            () ->
                new LedgerFixture(
                    dir,
                    LedgerGenesis.CONFIDENTIAL,
                    Accountant.PLD,
                    1.0,
                    DELTA,
                    OrderGrid.defaults(),
                    PERSON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accountant must be rdp for a confidential ledger");
    assertThat(Files.exists(dir.resolve("ledger").resolve(LedgerLayout.GENESIS))).isFalse();
  }

  private static List<String> files(LedgerFixture f) throws Exception {
    try (var walk = Files.walk(f.store.root())) {
      return walk.map(p -> f.store.root().relativize(p).toString()).sorted().toList();
    }
  }

  private static List<String> openingFiles(LedgerFixture f) throws Exception {
    Path root = f.dir.resolve("openings");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (var walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }
}
