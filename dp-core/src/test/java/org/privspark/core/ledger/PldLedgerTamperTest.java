package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.core.ledger.StructuralTamperCases.assertRejected;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.pld.PldTotal;
import org.privspark.core.audit.AuditReport;

/**
 * TAMPER: the genesis's accountant is committed in leaf 0, so changing it breaks the chain and the
 * checkpoint; a holder who re-signs an unknown value gets a verification failure (never a crash,
 * never a guessed accountant), and one who re-signs the ledger onto RDP gets the RDP verdict.
 */
class PldLedgerTamperTest {
  private static final double DELTA = 1e-5;
  private static final String PLD_FIELD = "\"accountant\":\"pld\"";
  private static final List<PrivacyEvent> WORKLOAD =
      List.of(
          new SampledGaussianEvent(0.05, 1.5, 50),
          GaussianEvent.withNoiseMultiplier(20),
          GaussianEvent.withNoiseMultiplier(20));

  @TempDir Path dir;

  /** The ledger every test tampers with: made once, its files restored before each test. */
  @TempDir static Path shared;

  private static LedgerFixture f;
  private static Map<Path, byte[]> original;

  /** A PLD ledger whose budget lies between the workload's PLD and RDP ε, holding the workload. */
  @BeforeAll
  static void pldLedgerWithTheWorkload() throws Exception {
    PldTotal pld = PldTotal.empty();
    RdpAccountant rdp = new RdpAccountant(OrderGrid.defaults());
    for (PrivacyEvent e : WORKLOAD) {
      pld = pld.plus(e);
      rdp.compose(e);
    }
    double epsilon = (pld.guarantee(DELTA).epsilon() + rdp.epsilon(DELTA).epsilon()) / 2;
    f =
        new LedgerFixture(
            shared,
            LedgerGenesis.TRANSPARENT,
            Accountant.PLD,
            epsilon,
            DELTA,
            OrderGrid.defaults(),
            PrivacyUnit.of("person", ""));
    for (PrivacyEvent e : WORKLOAD) {
      f.ledger.budget().charge(e, UnitClaim.perUnit("person"), "release", "", null);
    }
    original = new TreeMap<>();
    try (var walk = Files.walk(f.store.root())) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        original.put(p, Files.readAllBytes(p));
      }
    }
  }

  /** The ledger's files as written: nothing a previous test changed survives. */
  @BeforeEach
  void restore() throws Exception {
    try (var walk = Files.walk(f.store.root())) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
    for (Map.Entry<Path, byte[]> e : original.entrySet()) {
      Files.write(e.getKey(), e.getValue());
    }
  }

  private Path genesis() {
    return f.store.root().resolve(LedgerLayout.GENESIS);
  }

  private void replaceInGenesis(String from, String to) throws Exception {
    String text = f.text(genesis());
    assertThat(text).contains(from);
    f.write(genesis(), text.replace(from, to));
  }

  /** The field without its separating comma: the genesis an RDP ledger would have. */
  private void removeField() throws Exception {
    String text = f.text(genesis());
    String without = text.replace(PLD_FIELD + ",", "").replace("," + PLD_FIELD, "");
    assertThat(without).isNotEqualTo(text).doesNotContain("accountant");
    f.write(genesis(), without);
  }

  private static void assertNoFigures(AuditReport r) {
    assertThat(r.accountant()).isNull();
    assertThat(r.spentEpsilon()).isNaN();
    assertThat(r.budgetEpsilon()).isNaN();
    assertThat(r.timeline()).isEmpty();
  }

  /**
   * An explicit "rdp" does not parse (rdp is written as no field), so the leaves are only hashed:
   * the signed checkpoint's root is the finding.
   */
  @Test
  void restoredLedger_verifies() {
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(r.accountant()).isEqualTo(Accountant.PLD);
  }

  @Test
  void pldFlippedToRdp_withoutTheKey_failsTheCheckpointRoot() throws Exception {
    replaceInGenesis(PLD_FIELD, "\"accountant\":\"rdp\"");
    AuditReport r = f.verify();
    assertRejected(r, Reason.ROOT_MISMATCH, -1);
    assertNoFigures(r);
  }

  /** The genesis of an RDP ledger parses: entry 1's previous-leaf hash is the finding. */
  @Test
  void fieldRemoved_withoutTheKey_breaksTheChainToLeafZero() throws Exception {
    removeField();
    AuditReport r = f.verify();
    assertRejected(r, Reason.GENESIS_MISMATCH, 1);
    assertThat(r.message()).contains("ledger.json or this entry was changed");
    assertNoFigures(r);
  }

  @Test
  void unknownAccountant_withoutTheKey_failsTheCheckpointRoot() throws Exception {
    replaceInGenesis(PLD_FIELD, "\"accountant\":\"prv\"");
    AuditReport r = f.verify();
    assertRejected(r, Reason.ROOT_MISMATCH, -1);
    assertNoFigures(r);
  }

  @Test
  void unknownAccountant_signedByTheHolder_isMalformed_notACrash() throws Exception {
    replaceInGenesis(PLD_FIELD, "\"accountant\":\"prv\"");
    f.rewriteWithRealKey(f.entries());
    AuditReport r = f.verify();
    assertRejected(r, Reason.MALFORMED, 0);
    assertThat(r.message()).contains("accountant must be \"pld\" or absent").doesNotContain("prv");
    assertNoFigures(r);
  }

  @Test
  void explicitRdp_signedByTheHolder_isMalformed() throws Exception {
    // rdp is written as no field: one encoding per genesis.
    replaceInGenesis(PLD_FIELD, "\"accountant\":\"rdp\"");
    f.rewriteWithRealKey(f.entries());
    assertRejected(f.verify(), Reason.MALFORMED, 0);
  }

  @Test
  void nonTextAccountant_signedByTheHolder_isMalformed() throws Exception {
    replaceInGenesis(PLD_FIELD, "\"accountant\":1");
    f.rewriteWithRealKey(f.entries());
    assertRejected(f.verify(), Reason.MALFORMED, 0);
  }

  /**
   * The holder re-signs the ledger as an RDP one: the auditor recomputes under RDP, which the
   * workload overspends (the budget lies below its RDP ε).
   */
  @Test
  void fieldRemoved_signedByTheHolder_isJudgedUnderRdp_andOverspends() throws Exception {
    removeField();
    f.rewriteWithRealKey(f.entries());
    AuditReport r = f.verify();
    assertThat(r.intact()).isFalse();
    assertThat(r.reason()).as(r.message()).isEqualTo(Reason.BUDGET_EXCEEDED);
    assertNoFigures(r);
  }

  @Test
  void rdpFlippedToPld_withoutTheKey_breaksTheChainToLeafZero() throws Exception {
    LedgerFixture onRdp =
        new LedgerFixture(
            dir.resolve("rdp"),
            LedgerGenesis.TRANSPARENT,
            Accountant.RDP,
            1.0,
            DELTA,
            OrderGrid.defaults(),
            PrivacyUnit.of("person", ""));
    onRdp.ledger.budget().charge(WORKLOAD.get(1), UnitClaim.perUnit("person"), "release", "", null);
    Path file = onRdp.store.root().resolve(LedgerLayout.GENESIS);
    LedgerGenesis g = LedgerGenesis.decode(Files.readAllBytes(file));
    byte[] onPld =
        new LedgerGenesis(
                g.origin(),
                g.createdMillis(),
                g.mode(),
                g.budgetEpsilon(),
                g.budgetDelta(),
                g.grid(),
                g.publicKey(),
                g.formatVersion(),
                g.unit(),
                Accountant.PLD)
            .encode();
    Files.write(file, onPld);
    assertRejected(onRdp.verify(), Reason.GENESIS_MISMATCH, 1);
  }
}
