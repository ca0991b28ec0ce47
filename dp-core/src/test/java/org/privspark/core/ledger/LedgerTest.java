package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.ledger.merkle.MerkleVerifier;
import org.privspark.core.ledger.merkle.Rfc9162Hasher;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.SignedNotes;

class LedgerTest {
  @TempDir Path dir;

  @Test
  void append_writesOneEntryPerSpend_andTheAuditorSeesThemIntact() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.5, "count by day");
    f.spend(0.25, "mean age");
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.entries()).isEqualTo(2);
    assertThat(report.spentEpsilon()).isCloseTo(0.75, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(report.mechanisms()).containsOnlyKeys("private-aggregation");
    assertThat(report.checkpointSize()).isEqualTo(3);
    assertThat(Files.exists(f.entry(1))).isTrue();
    assertThat(Files.exists(f.entry(2))).isTrue();
    assertThat(Files.exists(f.entry(3))).isFalse();
  }

  /** The recorded cost is never below the accountant's: fixed point rounds up. */
  @Test
  void recordedCost_isTheEventsCurveRoundedUp() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 100, 1e-5);
    var event = new SampledGaussianEvent(0.01, 1.1, 1000);
    f.ledger.append("dp-sgd", event, ReleaseDetails.describing("train"));
    FixedPointCost cost = f.read(1).cost();
    var curve = event.curve(LedgerFixture.GRID);
    for (int i = 0; i < LedgerFixture.GRID.size(); i++) {
      double stored = Math.scalb((double) cost.rdp()[i], -FixedPointCost.FRACTION_BITS);
      assertThat(stored).isGreaterThanOrEqualTo(curve.value(i)).isLessThan(curve.value(i) + 1e-11);
    }
    double accountant =
        new RdpAccountant(LedgerFixture.GRID).compose(event).epsilon(1e-5).epsilon();
    assertThat(f.ledger.spent().epsilon())
        .isGreaterThanOrEqualTo(accountant)
        .isLessThan(accountant + 1e-9);
  }

  @Test
  void receipt_provesInclusionUnderASignedCheckpoint() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.1, "a");
    Receipt receipt = f.spend(0.1, "b");
    f.spend(0.1, "c");
    assertThat(receipt.index()).isEqualTo(2);
    Checkpoint checkpoint =
        Checkpoint.parse(
            SignedNotes.open(receipt.checkpoint(), List.of(f.signer.verifier())).text());
    assertThat(checkpoint.size()).isEqualTo(3);
    assertThat(receipt.leafHash())
        .isEqualTo(Rfc9162Hasher.leafHash(Files.readAllBytes(f.entry(2))));
    MerkleVerifier.verifyInclusion(
        2, 3, receipt.leafHash(), receipt.inclusion().path(), checkpoint.rootHash());
    // The receipt's checkpoint is an earlier checkpoint the auditor can hold the ledger to.
    assertThat(f.verify(receipt.checkpoint()).intact()).isTrue();
  }

  @Test
  void refusedSpend_writesNothing_andNamesTheRemainingBudget() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 1.0, 0);
    f.spend(0.8, "first");
    assertThatThrownBy(() -> f.spend(0.5, "second"))
        .isInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("remaining epsilon=0.2");
    assertThat(Files.exists(f.entry(2))).isFalse();
    assertThat(f.verify().entries()).isEqualTo(1);
  }

  /** Reopening restores what was spent: the budget survives restarts and other jobs. */
  @Test
  void reopen_restoresSpentBudget() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 1.0, 0);
    f.spend(0.6, "first job");
    Ledger again = Ledger.open(f.store, f.signer, OpeningStore.discarding());
    PrivacyBudget budget = again.budget();
    assertThat(budget.spent().epsilon())
        .isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(budget.trySpend(LedgerFixture.laplace(0.5))).isFalse();
    budget.spend(LedgerFixture.laplace(0.3), "private-aggregation", "second job");
    assertThat(again.entries()).isEqualTo(2);
    assertThat(f.verify().intact()).isTrue();
  }

  /**
   * Two writers (two Ledger objects on one directory, as two processes would be) race 40 spends of
   * ε = 1/16 (exact in fixed point) into a budget of 1: exactly 16 land, and the log verifies.
   */
  @Test
  void concurrentWriters_neverOverspend() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 1.0, 0);
    Ledger second = Ledger.open(f.store, f.signer, OpeningStore.discarding());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Ledger writer = i % 2 == 0 ? f.ledger : second;
      int n = i;
      results.add(
          pool.submit(
              () -> {
                try {
                  writer.append(
                      "private-aggregation",
                      LedgerFixture.laplace(0.0625),
                      ReleaseDetails.describing("q" + n));
                  return true;
                } catch (BudgetExhaustedException e) {
                  return false;
                }
              }));
    }
    int landed = 0;
    for (Future<Boolean> r : results) {
      landed += r.get() ? 1 : 0;
    }
    pool.shutdown();
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(landed).isEqualTo(16);
    assertThat(report.entries()).isEqualTo(16);
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(1.0);
  }

  /**
   * A checkpoint lost in a crash is re-signed on open, byte for byte (Ed25519 is deterministic), by
   * a writer holding the entry's opening; one that keeps no openings cannot vouch for the entry.
   */
  @Test
  void lostCheckpoint_isReSignedIdenticallyOnOpen() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.spend(0.1, "a");
    byte[] head = Files.readAllBytes(f.head(2));
    Files.delete(f.head(2));
    assertThat(f.verify().reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, OpeningStore.discarding()))
        .isInstanceOfSatisfying(
            LedgerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSIGNED_ENTRIES));
    assertThat(Files.exists(f.head(2))).isFalse();
    Ledger.open(f.store, f.signer, f.openings);
    assertThat(Files.readAllBytes(f.head(2))).isEqualTo(head);
    assertThat(f.verify().intact()).isTrue();
  }

  @Test
  void opening_opensOneEntry_andNotAnother() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0, 1e-6);
    f.ledger.append(
        "private-aggregation",
        LedgerFixture.laplace(0.1),
        new ReleaseDetails("SELECT count(*) GROUP BY day", "eps=0.1", "events@v42", "sha256:abc"));
    f.spend(0.1, "other");
    OpeningStore openings = OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings")));
    Opening first = openings.load(f.read(1).releaseId()).orElseThrow();
    assertThat(first.details().query()).isEqualTo("SELECT count(*) GROUP BY day");
    assertThat(first.opens(f.read(1))).isTrue();
    assertThat(first.opens(f.read(2))).isFalse();
    Opening lying =
        new Opening(
            first.releaseId(),
            first.salts(),
            new ReleaseDetails("SELECT 1", "eps=0.1", "events@v42", "sha256:abc"));
    assertThat(lying.opens(f.read(1))).isFalse();
  }

  @Test
  void composedEvents_roundTripThroughTheEntry() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 50, 1e-5);
    var event =
        ComposedEvent.of(
            LedgerFixture.laplace(0.3),
            GaussianEvent.withNoiseMultiplier(4),
            new org.privspark.core.accounting.ApproximateDpEvent(0.2, 1e-7));
    f.ledger.append("private-aggregation", event, ReleaseDetails.describing("q"));
    assertThat(f.read(1).event()).isEqualTo(event);
  }

  @Test
  void badArguments_areRefusedBeforeAnythingIsWritten() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 1.0, 0);
    assertThatThrownBy(
            () ->
                f.ledger.append(
                    "Bad Name", LedgerFixture.laplace(0.1), ReleaseDetails.describing("")))
        .hasMessageContaining("mechanism must be 1 to 64 characters");
    assertThatThrownBy(() -> f.ledger.append("x", null, ReleaseDetails.describing("")))
        .hasMessageContaining("event must not be null");
    assertThatThrownBy(
            () ->
                Format3Ledgers.create(
                    f.store,
                    LedgerFixture.ORIGIN,
                    1,
                    0,
                    LedgerFixture.GRID,
                    f.signer,
                    OpeningStore.discarding()))
        .hasMessageContaining("a ledger already exists");
    assertThat(Files.exists(f.entry(1))).isFalse();
  }

  @Test
  void open_withAnotherKey_isRefused() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 1.0, 0);
    var other = org.privspark.core.ledger.note.NoteSigner.generate(LedgerFixture.ORIGIN);
    assertThatThrownBy(() -> Ledger.open(f.store, other, OpeningStore.discarding()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("UNKNOWN_KEY");
  }
}
