package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.privspark.core.ledger.StructuralTamperCases.assertRejected;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * A storage attacker (no key) cannot make the auditor or the writer compute anything for content
 * the signed checkpoint does not cover (ported from the second review's {@code
 * ReviewAuditorDosTest}). The review measured the attack: the auditor recomputed each entry's cost
 * before it checked the checkpoint, so one replaced entry holding a composition of sampled-Gaussian
 * events of distinct σ cost about 2.3 s per 85-byte component before the rejection (a 64 MiB entry
 * about 20 days); {@code Ledger.open} did the same before checking the newest checkpoint.
 *
 * <p>The work is counted, not timed: {@link LedgerReplay#costsComputedDuring} counts the entry
 * costs computed, and a rejection on the structure must have computed none.
 */
class AuditorDosTest {
  @TempDir Path dir;

  /** The review's ledger: the default grid (156 orders), two Laplace releases. */
  private Fixture honestLedger() {
    NoteSigner signer = NoteSigner.generate("test.privspark.org/dos");
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store,
            signer.name(),
            2.0,
            1e-6,
            OrderGrid.defaults(),
            signer,
            OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings"))));
    ledger.append(
        "private-aggregation", LedgerFixture.laplace(0.25), ReleaseDetails.describing("q1"));
    ledger.append(
        "private-aggregation", LedgerFixture.laplace(0.25), ReleaseDetails.describing("q2"));
    return new Fixture(store, signer);
  }

  private record Fixture(LocalDirectoryStore store, NoteSigner signer) {
    AuditReport verify() {
      return new LedgerVerifier(signer.verifier()).verify(store, List.of());
    }

    Path entry(long seq) {
      return store.root().resolve(LedgerEntry.path(seq));
    }
  }

  /**
   * The review's attack: entry 2's event replaced by k distinct sampled Gaussians, its chain kept.
   */
  private static byte[] expensiveForgery(byte[] entry2, int k) {
    LedgerEntry last = LedgerEntry.decode(entry2, 2);
    List<PrivacyEvent> parts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      parts.add(new SampledGaussianEvent(0.5, 1000 + i * 1e-6, 1));
    }
    return new LedgerEntry(
            2,
            last.timeMillis(),
            last.origin(),
            last.previousLeafHash(),
            last.releaseId(),
            last.mechanism(),
            new ComposedEvent(parts),
            last.cost(),
            last.commitments(),
            null)
        .encode();
  }

  /**
   * The seam counts: an honest ledger's two equal events cost one computation (the replay's cache).
   */
  @Test
  void honestLedger_itsCostsAreComputedOnceTheStructureVerifies() {
    Fixture f = honestLedger();
    AuditReport[] report = new AuditReport[1];
    long costs = LedgerReplay.costsComputedDuring(() -> report[0] = f.verify());
    assertThat(report[0].intact()).as(report[0].message()).isTrue();
    assertThat(costs).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} sampled-Gaussian components")
  @ValueSource(ints = {1, 3})
  void expensiveEventInAnUnsignedEntry_isRejectedBeforeAnyCostIsComputed(int k) throws Exception {
    Fixture f = honestLedger();
    Files.write(f.entry(2), expensiveForgery(Files.readAllBytes(f.entry(2)), k));
    AuditReport[] report = new AuditReport[1];
    long costs = LedgerReplay.costsComputedDuring(() -> report[0] = f.verify());
    assertRejected(report[0], Reason.ROOT_MISMATCH, -1);
    assertThat(costs).as("entry costs computed before the rejection").isZero();
  }

  @Test
  void expensiveEventInAnUnsignedEntry_writerRefusesToOpenBeforeAnyCostIsComputed()
      throws Exception {
    Fixture f = honestLedger();
    Files.write(f.entry(2), expensiveForgery(Files.readAllBytes(f.entry(2)), 3));
    Throwable[] thrown = new Throwable[1];
    long costs =
        LedgerReplay.costsComputedDuring(
            () ->
                thrown[0] =
                    catchThrowable(
                        () -> Ledger.open(f.store, f.signer, OpeningStore.discarding())));
    assertThat(thrown[0]).isInstanceOf(LedgerException.class);
    assertThat(((LedgerException) thrown[0]).reason())
        .as(thrown[0].getMessage())
        .isEqualTo(Reason.ROOT_MISMATCH);
    assertThat(costs).as("entry costs computed before the refusal").isZero();
  }

  /**
   * The review's other attack: ledger.json given a grid of orders in (2^19, 2^20), where a
   * sampled-Gaussian value takes 0.1 to 0.5 s, and the entries chained to it afresh (no key
   * needed).
   */
  @Test
  void gridOfHugeOrdersInAnUnsignedLedgerJson_isRejectedBeforeAnyCostIsComputed() throws Exception {
    Fixture f = honestLedger();
    Path genesisFile = f.store.root().resolve(LedgerLayout.GENESIS);
    LedgerGenesis g = LedgerGenesis.decode(Files.readAllBytes(genesisFile));
    double[] orders = new double[64];
    for (int i = 0; i < orders.length; i++) {
      orders[i] = 0x1p19 + 1 + i * 4096.5;
    }
    OrderGrid huge = OrderGrid.of(orders);
    byte[] forged =
        new LedgerGenesis(
                g.origin(),
                g.createdMillis(),
                g.mode(),
                g.budgetEpsilon(),
                g.budgetDelta(),
                huge,
                g.publicKey(),
                g.formatVersion(),
                g.unit())
            .encode();
    Files.write(genesisFile, forged);
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(forged);
    for (long seq = 1; seq <= 2; seq++) {
      LedgerEntry e = LedgerEntry.decode(Files.readAllBytes(f.entry(seq)), seq);
      List<PrivacyEvent> parts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        parts.add(new SampledGaussianEvent(0.5, 1000 + seq + i * 1e-6, 1));
      }
      byte[] bytes =
          new LedgerEntry(
                  seq,
                  e.timeMillis(),
                  e.origin(),
                  tree.leafHash(seq - 1),
                  e.releaseId(),
                  e.mechanism(),
                  new ComposedEvent(parts),
                  FixedPointCost.zero(huge),
                  e.commitments(),
                  null)
              .encode();
      Files.write(f.entry(seq), bytes);
      tree.appendLeafData(bytes);
    }

    AuditReport[] report = new AuditReport[1];
    long costs = LedgerReplay.costsComputedDuring(() -> report[0] = f.verify());
    assertRejected(report[0], Reason.ROOT_MISMATCH, -1);
    assertThat(costs).as("entry costs computed by the auditor").isZero();

    Throwable[] thrown = new Throwable[1];
    costs =
        LedgerReplay.costsComputedDuring(
            () ->
                thrown[0] =
                    catchThrowable(
                        () -> Ledger.open(f.store, f.signer, OpeningStore.discarding())));
    assertThat(thrown[0]).isInstanceOf(LedgerException.class);
    assertThat(((LedgerException) thrown[0]).reason())
        .as(thrown[0].getMessage())
        .isEqualTo(Reason.ROOT_MISMATCH);
    assertThat(costs).as("entry costs computed by the writer").isZero();
  }
}
