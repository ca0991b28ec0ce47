package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.privspark.core.ledger.StructuralTamperCases.assertRejected;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.SelfComposedEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.ledger.merkle.MerkleTree;

/**
 * The limits that bound the work of recomputing one entry's cost (docs/LEDGER-FORMAT.md §4 and
 * §5.1): at most 1024 orders in a ledger's grid; at most 10,000 event objects in one event; at most
 * 1024 sampled-Gaussian values (sampled-Gaussian events times orders). The writer refuses to record
 * beyond them; an entry or a ledger.json beyond them is {@code MALFORMED} even under the holder's
 * signature, found before any cost is computed for it; an event at a limit is recorded and
 * verifies.
 */
class RecordedEventLimitsTest {
  @TempDir Path dir;

  /** On {@link LedgerFixture#GRID} (7 orders): 1024 / 7 = 146 sampled-Gaussian events at most. */
  private static final int SAMPLED_GAUSSIANS_ALLOWED = 146;

  private static PrivacyEvent laplaces(int n) {
    return new ComposedEvent(Collections.nCopies(n, (PrivacyEvent) new LaplaceEvent(1000, 1)));
  }

  /** {@code n} sampled Gaussians of distinct σ (cheap ones: q = 0.01, σ ≈ 1). */
  private static PrivacyEvent sampledGaussians(int n) {
    List<PrivacyEvent> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(new SampledGaussianEvent(0.01, 1 + i * 1e-3, 1));
    }
    return new ComposedEvent(parts);
  }

  private static long entries(LedgerFixture f) throws Exception {
    Path entries = f.store.root().resolve(LedgerLayout.ENTRIES);
    if (!Files.exists(entries)) {
      return 0;
    }
    try (var files = Files.list(entries)) {
      return files.count();
    }
  }

  @Test
  void eventsAtTheLimits_areRecordedAndVerify() {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    // 9,999 Laplace events in one composition: 10,000 event objects.
    f.ledger.append("many-queries", laplaces(9_999), ReleaseDetails.describing("q1"));
    f.ledger.append(
        "dp-sgd", sampledGaussians(SAMPLED_GAUSSIANS_ALLOWED), ReleaseDetails.describing("q2"));
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    Ledger.open(f.store, f.signer, OpeningStore.discarding());
  }

  @Test
  void append_moreThan10000EventObjects_isRefusedAndWritesNothing() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    // 10,000 Laplace events and their composition: 10,001 objects.
    assertThatThrownBy(
            () -> f.ledger.append("many-queries", laplaces(10_000), ReleaseDetails.describing("q")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10000 event objects");
    // Self-composition counts as an object too: 5,000 × (self-composed, Laplace) + the composition.
    List<PrivacyEvent> repeated =
        Collections.nCopies(5_000, new SelfComposedEvent(new LaplaceEvent(1000, 1), 2));
    assertThatThrownBy(
            () ->
                f.ledger.append(
                    "many-queries", new ComposedEvent(repeated), ReleaseDetails.describing("q")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10000 event objects");
    assertThat(entries(f)).isZero();
  }

  @Test
  void append_tooManySampledGaussianValues_isRefusedAndWritesNothing() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    assertThatThrownBy(
            () ->
                f.ledger.append(
                    "dp-sgd",
                    sampledGaussians(SAMPLED_GAUSSIANS_ALLOWED + 1),
                    ReleaseDetails.describing("q")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 146 sampled-Gaussian events on a grid of 7 orders");
    assertThat(entries(f)).isZero();
  }

  @Test
  void create_gridOfMoreThan1024Orders_isRefused() {
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    LedgerFixture keys = new LedgerFixture(dir.resolve("keys"), 1.0, 1e-6);
    assertThatThrownBy(
            () ->
                Format3Ledgers.create(
                    store,
                    LedgerFixture.ORIGIN,
                    1.0,
                    1e-6,
                    grid(1025),
                    keys.signer,
                    OpeningStore.discarding()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1024 orders");
    assertThat(store.root().resolve(LedgerLayout.GENESIS)).doesNotExist();
    Format3Ledgers.create(
        store, LedgerFixture.ORIGIN, 1.0, 1e-6, grid(1024), keys.signer, OpeningStore.discarding());
  }

  /** Orders 2, 3, …, n + 1. */
  private static OrderGrid grid(int n) {
    double[] orders = new double[n];
    for (int i = 0; i < n; i++) {
      orders[i] = i + 2;
    }
    return OrderGrid.of(orders);
  }

  /** Entry 2 replaced by {@code event} (with any cost), chained and signed with the real key. */
  private static LedgerFixture signedLedgerWith(Path dir, PrivacyEvent event) throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.spend(0.1, "q1");
    f.spend(0.1, "q2");
    f.spend(0.1, "q3");
    LedgerEntry e = f.read(2);
    f.replaceWithRealKey(
        2,
        new LedgerEntry(
                2,
                e.timeMillis(),
                e.origin(),
                e.previousLeafHash(),
                e.releaseId(),
                e.mechanism(),
                event,
                e.cost(),
                e.commitments())
            .encode());
    return f;
  }

  private static void assertMalformedBeforeItsCost(LedgerFixture f, long index, String why) {
    AuditReport[] report = new AuditReport[1];
    long costs = LedgerReplay.costsComputedDuring(() -> report[0] = f.verify());
    assertRejected(report[0], Reason.MALFORMED, index);
    assertThat(report[0].message()).contains(why);
    // Entry 1's cost only: the entry beyond the limits is refused when parsed, before its cost.
    assertThat(costs).as("costs computed").isEqualTo(index - 1);
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, OpeningStore.discarding()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("MALFORMED at entry " + index);
  }

  @Test
  void holderSignedEntryOfMoreThan10000EventObjects_isMalformed() throws Exception {
    assertMalformedBeforeItsCost(
        signedLedgerWith(dir, laplaces(10_000)), 2, "at most 10000 event objects");
  }

  @Test
  void holderSignedEntryOfTooManySampledGaussianValues_isMalformed() throws Exception {
    assertMalformedBeforeItsCost(
        signedLedgerWith(dir, sampledGaussians(SAMPLED_GAUSSIANS_ALLOWED + 1)),
        2,
        "at most 146 sampled-Gaussian events on a grid of 7 orders");
  }

  @Test
  void holderSignedEntryNestedDeeperThan100Levels_isMalformed() throws Exception {
    PrivacyEvent deep = new LaplaceEvent(100, 1);
    for (int i = 0; i < 101; i++) {
      deep = new ComposedEvent(List.of(deep));
    }
    assertMalformedBeforeItsCost(signedLedgerWith(dir, deep), 2, "at most 100 levels");
  }

  /**
   * ledger.json with 1025 orders (no writer makes one), entries chained to it and signed with the
   * real key.
   */
  @Test
  void holderSignedLedgerJsonOfMoreThan1024Orders_isMalformed() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.spend(0.1, "q1");
    Path genesisFile = f.store.root().resolve(LedgerLayout.GENESIS);
    String text = Files.readString(genesisFile, StandardCharsets.UTF_8);
    StringBuilder orders = new StringBuilder("\"orders\":[");
    for (int i = 0; i < 1025; i++) {
      orders.append(i == 0 ? "" : ",").append(i + 2).append(".0");
    }
    String forged = text.replaceFirst("\"orders\":\\[[^\\]]*", orders.toString());
    Files.writeString(genesisFile, forged, StandardCharsets.UTF_8);
    List<LedgerEntry> entries = f.entries();
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(forged.getBytes(StandardCharsets.UTF_8));
    LedgerEntry e = entries.get(0);
    byte[] bytes =
        new LedgerEntry(
                1,
                e.timeMillis(),
                e.origin(),
                tree.leafHash(0),
                e.releaseId(),
                e.mechanism(),
                e.event(),
                e.cost(),
                e.commitments())
            .encode();
    Files.write(f.entry(1), bytes);
    tree.appendLeafData(bytes);
    Files.delete(f.head(2));
    f.signHead(tree);

    AuditReport[] report = new AuditReport[1];
    long costs = LedgerReplay.costsComputedDuring(() -> report[0] = f.verify());
    assertRejected(report[0], Reason.MALFORMED, 0);
    assertThat(report[0].message()).contains("at most 1024 orders");
    assertThat(costs).isZero();
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, OpeningStore.discarding()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("MALFORMED at entry 0");
  }

  /**
   * The writer's mechanism rule holds in the replay too: a holder-signed entry breaking it is
   * malformed.
   */
  @Test
  void holderSignedEntryWithAMechanismNameNoWriterRecords_isMalformed() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.spend(0.1, "q1");
    f.spend(0.1, "q2");
    LedgerEntry e = f.read(2);
    f.replaceWithRealKey(
        2,
        new LedgerEntry(
                2,
                e.timeMillis(),
                e.origin(),
                e.previousLeafHash(),
                e.releaseId(),
                "Private Aggregation!",
                e.event(),
                e.cost(),
                e.commitments())
            .encode());
    AuditReport r = f.verify();
    assertRejected(r, Reason.MALFORMED, 2);
    assertThat(r.message()).contains("mechanism must be 1 to 64 characters");
  }

  /**
   * A holder's cost opening (a spot check's answer) is held to the same limits before its event's
   * cost is computed.
   */
  @Test
  void costOpeningBeyondTheLimits_isMalformedBeforeItsCostIsComputed() {
    LedgerFixture f = new LedgerFixture(dir, LedgerGenesis.CONFIDENTIAL, 10.0, 1e-6);
    Receipt receipt =
        f.ledger.append("dp-sgd", sampledGaussians(2), ReleaseDetails.describing("q"));
    LedgerEntry entry = entryOf(f, receipt.index());
    CostOpening honest = f.openings.loadCost(entry.releaseId()).orElseThrow();
    CostOpening oversized =
        new CostOpening(
            honest.releaseId(),
            sampledGaussians(SAMPLED_GAUSSIANS_ALLOWED + 1),
            honest.blindings());
    assertThatThrownBy(() -> oversized.check(entry, f.ledger.genesis()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("MALFORMED at entry 1")
        .hasMessageContaining("sampled-Gaussian");
    assertThat(honest.check(entry, f.ledger.genesis())).isNotNull();
  }

  private static LedgerEntry entryOf(LedgerFixture f, long seq) {
    try {
      return LedgerEntry.decode(Files.readAllBytes(f.entry(seq)), seq, f.ledger.genesis());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
