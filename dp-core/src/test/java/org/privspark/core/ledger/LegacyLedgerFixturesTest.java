package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.BudgetReport;
import org.privspark.core.audit.ConfidentialVerifier;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.BudgetProver;
import org.privspark.core.ledger.confidential.SpotCheck;
import org.privspark.core.zk.PedersenOpening;

/**
 * Ledgers written by the base commit 70184fe, whose costs were rounded to nearest (format versions
 * 1 and 2; dp-core/src/test/resources/legacy-ledgers): today's auditor and writer accept them with
 * the tolerance of docs/LEDGER-FORMAT.md §9.1, and nothing beyond it; version 3 stays exact.
 */
class LegacyLedgerFixturesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The DP-SGD entry: its old cost lies up to about 10^6 units below today's. */
  private static final int SGD = 6;

  /** An order index of the default grid: α = 4.0. */
  private static final int ORDER = 29;

  @TempDir Path dir;

  private static void assertRejected(AuditReport r, Reason reason, long index) {
    assertThat(r.intact()).as("intact").isFalse();
    assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    assertThat(r.failedIndex()).as(r.message()).isEqualTo(index);
  }

  private static void assertRejected(BudgetReport r, Reason reason, long index) {
    assertThat(r.ok()).as("ok").isFalse();
    assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    assertThat(r.failedIndex()).as(r.message()).isEqualTo(index);
  }

  private static byte[] nonce(int i) {
    byte[] n = new byte[16];
    n[15] = (byte) i;
    return n;
  }

  /** The entry text with the fixed-point RDP value at order index {@code k} replaced. */
  private static String withRdp(String entry, int k, long value) {
    int start = entry.indexOf("\"rdp\":[") + 7;
    int end = entry.indexOf(']', start);
    String[] values = entry.substring(start, end).split(",");
    values[k] = Long.toString(value);
    return entry.substring(0, start) + String.join(",", values) + entry.substring(end);
  }

  // ---------------------------------------------------------------- the fixtures themselves

  /**
   * The fixtures exercise the change: today's recomputation differs from what 70184fe wrote, both
   * ways.
   */
  @Test
  void fixtures_holdCostsThatTodaysRoundingUpChanges() throws Exception {
    LegacyFixture t = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir.resolve("t"));
    OrderGrid grid = t.genesis().grid();
    assertThat(t.genesis().formatVersion()).isEqualTo(1);
    int differing = 0;
    int below = 0;
    int above = 0;
    for (long seq = 1; seq <= LegacyFixture.ENTRIES; seq++) {
      LedgerEntry e = t.read(seq);
      long[] recorded = e.cost().rdp();
      long[] today = FixedPointCost.of(e.event(), grid).rdp();
      boolean differs = false;
      for (int i = 0; i < today.length; i++) {
        differs |= recorded[i] != today[i];
        below += recorded[i] < today[i] ? 1 : 0;
        above += recorded[i] > today[i] ? 1 : 0;
      }
      differing += differs ? 1 : 0;
    }
    assertThat(differing).isEqualTo(LegacyFixture.ENTRIES);
    assertThat(below).isPositive();
    assertThat(above).isPositive();

    LegacyFixture c = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, dir.resolve("c"));
    assertThat(c.genesis().formatVersion()).isEqualTo(2);
    int notOpening = 0;
    for (long seq = 1; seq <= LegacyFixture.ENTRIES; seq++) {
      LedgerEntry e = c.read(seq);
      CostOpening o = c.openings.loadCost(e.releaseId()).orElseThrow();
      notOpening += o.commit(o.cost(grid)).equals(e.confidentialCost()) ? 0 : 1;
    }
    assertThat(notOpening).isEqualTo(LegacyFixture.ENTRIES);
  }

  // ---------------------------------------------------------------- transparent, version 1

  /** Today's auditor accepts the old costs; the totals are the recorded ones. */
  @Test
  void transparentV1_verifiesWithTodaysAuditor_onTheRecordedTotals() throws Exception {
    LegacyFixture t = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir);
    AuditReport r = t.verify(t.heads());
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(r.entries()).isEqualTo(LegacyFixture.ENTRIES);
    LedgerGenesis g = t.genesis();
    FixedPointCost recorded = FixedPointCost.zero(g.grid());
    for (long seq = 1; seq <= LegacyFixture.ENTRIES; seq++) {
      recorded = recorded.plus(t.read(seq).cost());
    }
    assertThat(r.spentEpsilon()).isEqualTo(recorded.guarantee(g.grid(), g.budgetDelta()).epsilon());
  }

  /**
   * Today's writer opens the ledger and appends an entry with today's exact cost and canonical
   * doubles.
   */
  @Test
  void transparentV1_todaysWriterOpensAndAppends() throws Exception {
    LegacyFixture t = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir);
    List<String> oldHeads = t.heads();
    Ledger ledger = t.open();
    assertThat(ledger.entries()).isEqualTo(LegacyFixture.ENTRIES);
    PrivacyEvent again =
        t.read(2).event(); // Gaussian σ 4.11, Δ 3: its old cost differs from today's
    ledger.append(
        "private-aggregation", again, ReleaseDetails.describing("sum of purchases, again"));
    LedgerEntry appended = t.read(10);
    assertThat(appended.cost())
        .isEqualTo(FixedPointCost.of(again, t.genesis().grid()))
        .isNotEqualTo(t.read(2).cost());
    assertThat(t.text(t.entry(10))).contains("\"sigma\":4.11,\"l2Sensitivity\":3.0");
    AuditReport r = t.verify(oldHeads);
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(r.entries()).isEqualTo(LegacyFixture.ENTRIES + 1);
  }

  /**
   * The DP-SGD entry's value at α = 4: accepted within the tolerance either side, rejected one unit
   * beyond.
   */
  @Test
  void transparentV1_costAtTheEdgesOfTheTolerance() throws Exception {
    LegacyFixture t = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir);
    String original = t.text(t.entry(SGD));
    long today = FixedPointCost.of(t.read(SGD).event(), t.genesis().grid()).rdp()[ORDER];
    long tol = LegacyCost.tolerance(today);
    for (long delta : new long[] {-tol - 1, -tol, tol, tol + 1}) {
      java.nio.file.Files.writeString(t.entry(SGD), withRdp(original, ORDER, today + delta));
      LegacyLedger.rechainAndSign(t.ledgerDir, t.signer);
      AuditReport r = t.verify(List.of());
      if (Math.abs(delta) <= tol) {
        assertThat(r.intact()).as("%d units from today's value: %s", delta, r.message()).isTrue();
      } else {
        assertRejected(r, Reason.COST_MISMATCH, SGD);
        assertThatThrownBy(t::open)
            .isInstanceOfSatisfying(
                LedgerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.COST_MISMATCH));
      }
    }
  }

  /**
   * The pure ε is held to the tolerance too: the Laplace entry's, lowered to its edge and one unit
   * beyond.
   */
  @Test
  void transparentV1_pureEpsilonLoweredBeyondTheTolerance_isCostMismatch() throws Exception {
    LegacyFixture t = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir);
    LedgerEntry laplace = t.read(1);
    long recorded = laplace.cost().pureEpsilon();
    long today = FixedPointCost.of(laplace.event(), t.genesis().grid()).pureEpsilon();
    long tol = LegacyCost.tolerance(today);
    t.edit(1, "\"pureEpsilon\":" + recorded, "\"pureEpsilon\":" + (today - tol));
    assertThat(t.verify(List.of()).intact()).isTrue();
    t.edit(1, "\"pureEpsilon\":" + (today - tol), "\"pureEpsilon\":" + (today - tol - 1));
    assertRejected(t.verify(List.of()), Reason.COST_MISMATCH, 1);
  }

  /** The tolerance belongs to versions 1 and 2: the same entries under version 3 are rejected. */
  @Test
  void transparentV1_relabelledVersion3_isCostMismatchAtItsFirstEntry() throws Exception {
    LegacyFixture t = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir);
    Path genesis = t.ledgerDir.resolve(LedgerLayout.GENESIS);
    java.nio.file.Files.writeString(
        genesis, t.text(genesis).replace("privspark-ledger/1", "privspark-ledger/3"));
    LegacyLedger.rechainAndSign(t.ledgerDir, t.signer);
    assertRejected(t.verify(List.of()), Reason.COST_MISMATCH, 1);
  }

  // ---------------------------------------------------------------- version 3: exact

  /**
   * A version-3 ledger of the fixture's events: any recorded value one unit off, up or down, is
   * rejected.
   */
  @Test
  void version3_anyCostOffByOneUnit_isCostMismatch() throws Exception {
    LegacyFixture legacy = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir.resolve("legacy"));
    LedgerFixture f = new LedgerFixture(dir.resolve("v3"), 20.0, 1e-5);
    for (long seq = 1; seq <= LegacyFixture.ENTRIES; seq++) {
      f.ledger.append("manual", legacy.read(seq).event(), ReleaseDetails.describing("q" + seq));
    }
    List<LedgerEntry> honest = f.entries();
    for (int s = 0; s < honest.size(); s++) {
      LedgerEntry e = honest.get(s);
      for (int unit : new int[] {-1, 1}) {
        long[] rdp = e.cost().rdp();
        rdp[s % rdp.length] += unit;
        List<FixedPointCost> tampered =
            new ArrayList<>(
                List.of(new FixedPointCost(rdp, e.cost().pureEpsilon(), e.cost().delta())));
        if (e.cost().pureEpsilon() != FixedPointCost.INFINITE) {
          tampered.add(
              new FixedPointCost(e.cost().rdp(), e.cost().pureEpsilon() + unit, e.cost().delta()));
        }
        for (FixedPointCost cost : tampered) {
          List<LedgerEntry> entries = new ArrayList<>(honest);
          entries.set(
              s,
              new LedgerEntry(
                  e.seq(),
                  e.timeMillis(),
                  e.origin(),
                  e.previousLeafHash(),
                  e.releaseId(),
                  e.mechanism(),
                  e.event(),
                  cost,
                  e.commitments()));
          f.rewriteWithRealKey(entries);
          assertRejected(f.verify(), Reason.COST_MISMATCH, e.seq());
        }
      }
    }
  }

  // ---------------------------------------------------------------- confidential, version 2

  /**
   * Today's holder opens the ledger (catching up through the cost openings), appends, and proves
   * its budget.
   */
  @Test
  void confidentialV2_todaysWriterOpensAppendsAndProvesItsBudget() throws Exception {
    LegacyFixture c = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, dir);
    ConfidentialVerifier auditor = new ConfidentialVerifier(c.signer.verifier());
    Ledger ledger = c.open();
    assertThat(ledger.entries()).isEqualTo(LegacyFixture.ENTRIES);
    BudgetProof before = BudgetProver.prove(ledger, Double.NaN, RANDOM);
    BudgetReport r = auditor.verifyBudget(c.store, c.heads(), BudgetProof.decode(before.encode()));
    assertThat(r.ok()).as(r.message()).isTrue();

    ledger.append(
        "private-aggregation", new GaussianEvent(4.11, 3.0), ReleaseDetails.describing("again"));
    LedgerEntry appended = c.read(10);
    CostOpening opening = c.openings.loadCost(appended.releaseId()).orElseThrow();
    assertThat(opening.commit(FixedPointCost.of(opening.event(), c.genesis().grid())))
        .isEqualTo(appended.confidentialCost());
    Ledger reopened = c.open();
    assertThat(reopened.entries()).isEqualTo(LegacyFixture.ENTRIES + 1);
    BudgetProof after = BudgetProver.prove(reopened, Double.NaN, RANDOM);
    BudgetReport r2 = auditor.verifyBudget(c.store, c.heads(), BudgetProof.decode(after.encode()));
    assertThat(r2.ok()).as(r2.message()).isTrue();
  }

  /**
   * The holder learns the values the commitments hold (not today's recomputation): they open every
   * commitment, and they are what its totals add.
   */
  @Test
  void confidentialV2_holderRecoversTheCommittedValues() throws Exception {
    LegacyFixture c = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, dir);
    LedgerGenesis g = c.genesis();
    FixedPointCost total = FixedPointCost.zero(g.grid());
    int offToday = 0;
    for (long seq = 1; seq <= LegacyFixture.ENTRIES; seq++) {
      LedgerEntry e = c.read(seq);
      CostOpening opening = c.openings.loadCost(e.releaseId()).orElseThrow();
      FixedPointCost held = opening.check(e, g);
      PedersenOpening[] openings = opening.pedersen(held);
      for (int i = 0; i < openings.length; i++) {
        assertThat(openings[i].opens(e.confidentialCost().at(i)))
            .as("entry %d, order %d", seq, i)
            .isTrue();
      }
      offToday += held.equals(opening.cost(g.grid())) ? 0 : 1;
      total = total.plus(held);
    }
    assertThat(offToday).isEqualTo(LegacyFixture.ENTRIES);
    assertThat(c.open().state().total().rdp()).isEqualTo(total.rdp());
  }

  /**
   * The auditor's spot check of every legacy entry recomputes each cost and finds the committed
   * value near it.
   */
  @Test
  void confidentialV2_spotCheckOfEveryEntry_passes() throws Exception {
    LegacyFixture c = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, dir);
    Ledger ledger = c.open();
    byte[] n = nonce(3);
    SpotCheck.Response response =
        SpotCheck.decode(SpotCheck.open(ledger, n, LegacyFixture.ENTRIES));
    BudgetReport r =
        new ConfidentialVerifier(c.signer.verifier())
            .spotCheck(c.store, List.of(), n, LegacyFixture.ENTRIES, ledger.checkpoint(), response);
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.opened()).hasSize(LegacyFixture.ENTRIES);
  }

  /**
   * The DP-SGD entry's commitment at α = 4 replaced (re-signed with the key) by one to a value at
   * the edge of the tolerance, or one unit beyond: the holder and a spot check accept the first and
   * reject the second.
   */
  @Test
  void confidentialV2_commitmentAtTheEdgesOfTheTolerance() throws Exception {
    LegacyFixture c = LegacyFixture.copy(LegacyFixture.CONFIDENTIAL, dir);
    LedgerEntry sgd = c.read(SGD);
    CostOpening opening = c.openings.loadCost(sgd.releaseId()).orElseThrow();
    long today = FixedPointCost.of(opening.event(), c.genesis().grid()).rdp()[ORDER];
    long tol = LegacyCost.tolerance(today);
    BigInteger blinding = opening.blindings()[ORDER];
    String current = CanonicalJson.hex(sgd.confidentialCost().at(ORDER).encode());
    byte[] n = nonce(5);
    for (long delta : new long[] {-tol, -tol - 1, tol, tol + 1}) {
      String replaced =
          CanonicalJson.hex(
              PedersenOpening.of(BigInteger.valueOf(today + delta), blinding)
                  .commitment()
                  .encode());
      c.edit(SGD, current, replaced);
      current = replaced;
      String checkpoint = c.text(c.ledgerDir.resolve(LedgerLayout.head(LegacyFixture.ENTRIES + 1)));
      List<SpotCheck.Opened> all = new ArrayList<>();
      for (long seq = 1; seq <= LegacyFixture.ENTRIES; seq++) {
        all.add(
            new SpotCheck.Opened(seq, c.openings.loadCost(c.read(seq).releaseId()).orElseThrow()));
      }
      BudgetReport spot =
          new ConfidentialVerifier(c.signer.verifier())
              .spotCheck(
                  c.store,
                  List.of(),
                  n,
                  LegacyFixture.ENTRIES,
                  checkpoint,
                  new SpotCheck.Response(checkpoint, n, all));
      if (Math.abs(delta) <= tol) {
        assertThat(spot.ok()).as("%d units from today's value: %s", delta, spot.message()).isTrue();
        Ledger ledger = c.open();
        BudgetProof proof = BudgetProver.prove(ledger, 4.0, RANDOM);
        BudgetReport r =
            new ConfidentialVerifier(c.signer.verifier()).verifyBudget(c.store, List.of(), proof);
        assertThat(r.ok()).as(r.message()).isTrue();
      } else {
        assertRejected(spot, Reason.COST_MISMATCH, SGD);
        assertThatThrownBy(c::open)
            .isInstanceOfSatisfying(
                LedgerException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reason.COST_MISMATCH);
                  assertThat(e.index()).isEqualTo(SGD);
                });
      }
    }
  }

  /**
   * Version 3, confidential: a commitment one unit off its event's cost stops the holder and fails
   * a spot check.
   */
  @Test
  void version3Confidential_commitmentOffByOneUnit_isCostMismatch() throws Exception {
    LegacyFixture legacy = LegacyFixture.copy(LegacyFixture.TRANSPARENT, dir.resolve("legacy"));
    LedgerFixture f = new LedgerFixture(dir.resolve("v3"), LedgerGenesis.CONFIDENTIAL, 20.0, 1e-5);
    f.ledger.append("dp-sgd", legacy.read(SGD).event(), ReleaseDetails.describing("q"));
    LedgerEntry e = f.read(1);
    CostOpening opening = f.openings.loadCost(e.releaseId()).orElseThrow();
    long[] values = opening.cost(LedgerFixture.GRID).rdp();
    for (int unit : new int[] {-1, 1}) {
      for (int k = 0; k < values.length; k++) {
        org.privspark.core.zk.PedersenCommitment[] cs = e.confidentialCost().commitments();
        cs[k] =
            PedersenOpening.of(BigInteger.valueOf(values[k] + unit), opening.blindings()[k])
                .commitment();
        f.rewriteWithRealKey(
            List.of(
                new LedgerEntry(
                    1,
                    e.timeMillis(),
                    e.origin(),
                    e.previousLeafHash(),
                    e.releaseId(),
                    e.mechanism(),
                    new ConfidentialCost(cs, e.confidentialCost().delta()),
                    e.commitments())));
        assertThatThrownBy(() -> Ledger.open(f.store, f.signer, f.openings))
            .isInstanceOfSatisfying(
                LedgerException.class, x -> assertThat(x.reason()).isEqualTo(Reason.COST_MISMATCH));
        String checkpoint = f.text(f.head(2));
        byte[] n = nonce(k);
        BudgetReport spot =
            new ConfidentialVerifier(f.signer.verifier())
                .spotCheck(
                    f.store,
                    List.of(),
                    n,
                    1,
                    checkpoint,
                    new SpotCheck.Response(
                        checkpoint, n, List.of(new SpotCheck.Opened(1, opening))));
        assertRejected(spot, Reason.COST_MISMATCH, 1);
      }
    }
  }
}
