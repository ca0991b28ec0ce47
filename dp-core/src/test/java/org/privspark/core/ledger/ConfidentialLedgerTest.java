package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.BudgetReport;
import org.privspark.core.audit.ConfidentialVerifier;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.BudgetProver;
import org.privspark.core.ledger.confidential.BudgetThreshold;
import org.privspark.core.ledger.confidential.SpotCheck;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.zk.P256;
import org.privspark.core.zk.PedersenCommitment;
import org.privspark.core.zk.PedersenOpening;
import org.privspark.core.zk.ProofContext;
import org.privspark.core.zk.RangeProver;

/**
 * The confidential-cost ledger (entry format version 2): completeness of the budget proof and of
 * spot checks, their soundness against a cheating holder, replay across contexts, and the
 * structural tamper cases of {@link LedgerTamperTest} in confidential mode.
 */
class ConfidentialLedgerTest extends StructuralTamperCases {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private String checkpointAfterThree;

  /** Budget (ε = 4, δ = 1e-6); four Gaussian spends of σ = 4 (RDP α/32 each). */
  @BeforeEach
  void fourEntries() {
    f = new LedgerFixture(dir, LedgerGenesis.CONFIDENTIAL, 4.0, 1e-6);
    spend(4, "q1");
    spend(4, "q2");
    checkpointAfterThree = spend(4, "q3").checkpoint();
    spend(4, "q4");
  }

  private Receipt spend(double sigma, String query) {
    return f.ledger.append(
        "private-aggregation",
        GaussianEvent.withNoiseMultiplier(sigma),
        ReleaseDetails.describing(query));
  }

  private ConfidentialVerifier auditor() {
    return new ConfidentialVerifier(f.signer.verifier());
  }

  private BudgetReport verifyBudget(BudgetProof proof) {
    return auditor().verifyBudget(f.store, List.of(), proof);
  }

  /** The root hash a signed checkpoint note names (its body, without the signature). */
  private static byte[] rootOf(String note) {
    return org.privspark.core.ledger.note.Checkpoint.parse(
            note.substring(0, note.indexOf("\n\n") + 1))
        .rootHash();
  }

  private static void assertRejected(BudgetReport r, Reason reason, long index) {
    assertThat(r.ok()).as("ok").isFalse();
    assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    assertThat(r.failedIndex()).as(r.message()).isEqualTo(index);
  }

  // ---------------------------------------------------------------- format and writer

  @Test
  void entries_holdCommitmentsNotCosts() throws Exception {
    String text = f.text(f.entry(1));
    assertThat(text)
        .startsWith("{\"format\":\"privspark-entry/2\",\"seq\":1,")
        .contains("\"costCommitments\":[\"0")
        .contains("\"delta\":0.0")
        .doesNotContain("\"event\"")
        .doesNotContain("\"cost\"")
        .doesNotContain("sigma");
    assertThat(f.read(1).confidentialCost().orders()).isEqualTo(LedgerFixture.GRID.size());
    assertThat(f.text(f.store.root().resolve(LedgerLayout.GENESIS)))
        .startsWith("{\"format\":\"privspark-ledger/3\"")
        .contains("\"mode\":\"confidential\"");
  }

  @Test
  void structure_verifiesWithoutRevealingCosts() {
    AuditReport r = f.verify(checkpointAfterThree);
    assertThat(r.intact()).as(r.message()).isTrue();
    assertThat(r.entries()).isEqualTo(4);
    assertThat(r.spentEpsilon()).isNaN();
    assertThat(r.mechanisms().get("private-aggregation").epsilon()).isNaN();
    assertThat(r.timeline()).allSatisfy(p -> assertThat(p.epsilon()).isNaN());
  }

  @Test
  void append_overBudget_refusesBeforeLedgerWrite() {
    PrivacyEvent big = GaussianEvent.withNoiseMultiplier(1);
    assertThatThrownBy(() -> f.ledger.append("manual", big, ReleaseDetails.describing("x")))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(Files.exists(f.entry(5))).isFalse();
  }

  @Test
  void open_restoresTheSpentBudgetFromTheCostOpenings() {
    double spent = f.ledger.spent().epsilon();
    Ledger reopened = Ledger.open(f.store, f.signer, f.openings);
    assertThat(reopened.spent().epsilon()).isEqualTo(spent);
    assertThat(spent).isGreaterThan(0).isLessThan(4);
  }

  @Test
  void open_withoutCostOpenings_refusesBecauseTheBudgetIsUnknown() {
    OpeningStore empty = OpeningStore.in(new LocalDirectoryStore(dir.resolve("elsewhere")));
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, empty))
        .isInstanceOfSatisfying(
            LedgerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OPENING_MISMATCH));
  }

  @Test
  void create_confidentialWithZeroDelta_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                Format3Ledgers.create(
                    new LocalDirectoryStore(dir.resolve("pure")),
                    LedgerFixture.ORIGIN,
                    LedgerGenesis.CONFIDENTIAL,
                    1.0,
                    0.0,
                    LedgerFixture.GRID,
                    f.signer,
                    f.openings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budgetDelta");
  }

  @Test
  void costOpening_roundTrips_andHidesItsSecretsInToString() {
    CostOpening o = f.openings.loadCost(readUnchecked(1).releaseId()).orElseThrow();
    assertThat(CostOpening.decode(o.encode())).isEqualTo(o);
    assertThat(o.toString()).doesNotContain(o.blindings()[0].toString(16)).contains("secret");
    assertThat(o.check(readUnchecked(1), f.ledger.genesis())).isEqualTo(o.cost(LedgerFixture.GRID));
  }

  private LedgerEntry readUnchecked(long seq) {
    try {
      return f.read(seq);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- threshold

  /** Every total the writer accepts is at most T(α*) at its best order; T + 1 is not within. */
  @Test
  void threshold_coversEveryTotalTheWriterAccepts() {
    LedgerReplay state = f.ledger.state();
    double best = BudgetProver.bestOrder(state);
    int k = BudgetProver.orderIndex(LedgerFixture.GRID, best);
    long t = BudgetThreshold.of(state.genesis(), best, state.total().delta());
    assertThat(state.total().rdp()[k]).isLessThanOrEqualTo(t);
    long[] rdp = new long[LedgerFixture.GRID.size()];
    Arrays.fill(rdp, FixedPointCost.INFINITE);
    rdp[k] = t;
    assertThat(state.withinBudget(new FixedPointCost(rdp, FixedPointCost.INFINITE, 0.0))).isTrue();
    rdp[k] = t + 1;
    assertThat(state.withinBudget(new FixedPointCost(rdp, FixedPointCost.INFINITE, 0.0))).isFalse();
  }

  @Test
  void threshold_additiveDeltaUsingTheWholeBudget_isMinusOne() {
    assertThat(BudgetThreshold.of(f.ledger.genesis(), 8.0, 1e-6)).isEqualTo(-1);
  }

  // ---------------------------------------------------------------- completeness

  @Test
  void budgetProof_honest_verifiesInBatchAndOneByOne() {
    BudgetProof proof = BudgetProver.prove(f.ledger, Double.NaN, RANDOM);
    assertThat(proof.entryProofs()).hasSize(4);
    BudgetReport batch =
        auditor().verifyBudget(f.store, List.of(checkpointAfterThree), proof, true);
    assertThat(batch.ok()).as(batch.message()).isTrue();
    assertThat(batch.entries()).isEqualTo(4);
    assertThat(batch.order()).isEqualTo(BudgetProver.bestOrder(f.ledger.state()));
    BudgetReport single = auditor().verifyBudget(f.store, List.of(), proof, false);
    assertThat(single.ok()).as(single.message()).isTrue();
  }

  @Test
  void budgetProof_survivesItsFileFormat_andAnExplicitOrder() {
    BudgetProof proof = BudgetProver.prove(f.ledger, 16.0, RANDOM);
    BudgetProof read = BudgetProof.decode(proof.encode());
    assertThat(read.order()).isEqualTo(16.0);
    BudgetReport r = verifyBudget(read);
    assertThat(r.ok()).as(r.message()).isTrue();
  }

  /**
   * At α = 4 the total α/8 converts to ε ≈ 4.35 > 4: no proof exists there, though one does at α =
   * 8.
   */
  @Test
  void budgetProof_atAnOrderWhereTheTotalIsOverBudget_throwsIllegalStateException() {
    assertThatThrownBy(() -> BudgetProver.prove(f.ledger, 4.0, RANDOM))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void budgetProof_orderNotOnTheGrid_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> BudgetProver.prove(f.ledger, 3.0, RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The proof covers the checkpoint it names; later entries are for the next proof. */
  @Test
  void budgetProof_forAnEarlierCheckpoint_coversThatPrefix() {
    BudgetProof proof = BudgetProver.prove(f.ledger, Double.NaN, RANDOM);
    spend(4, "q5");
    BudgetReport r = verifyBudget(proof);
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.entries()).isEqualTo(4);
    assertThat(r.structure().entries()).isEqualTo(5);
  }

  @Test
  void budgetProof_emptyLedger_verifies() {
    LedgerFixture empty =
        new LedgerFixture(dir.resolve("empty"), LedgerGenesis.CONFIDENTIAL, 1.0, 1e-6);
    BudgetProof proof = BudgetProver.prove(empty.ledger, Double.NaN, RANDOM);
    BudgetReport r =
        new ConfidentialVerifier(empty.signer.verifier())
            .verifyBudget(empty.store, List.of(), BudgetProof.decode(proof.encode()));
    assertThat(r.ok()).as(r.message()).isTrue();
  }

  // ---------------------------------------------------------------- soundness

  /**
   * The holder (with the real key) appends an entry whose committed total goes past the budget. Its
   * own writer refuses to open the ledger, the honest prover cannot prove it, and a forged slack
   * proof (for a commitment to 0 rather than the auditor's T·G − S) is rejected.
   */
  @Test
  void budgetProof_committedTotalOverBudget_cannotBeProvenOrForged() throws Exception {
    byte[] releaseId = new byte[LedgerEntry.RELEASE_ID_LENGTH];
    RANDOM.nextBytes(releaseId);
    CostOpening heavy =
        CostOpening.fresh(
            releaseId, GaussianEvent.withNoiseMultiplier(1), LedgerFixture.GRID, RANDOM);
    FixedPointCost heavyCost = heavy.cost(LedgerFixture.GRID);
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry last = entries.get(3);
    entries.add(
        new LedgerEntry(
            5,
            last.timeMillis(),
            last.origin(),
            last.previousLeafHash(),
            releaseId,
            "manual",
            heavy.commit(heavyCost),
            last.commitments()));
    f.rewriteWithRealKey(entries);
    f.openings.save(heavy);

    assertThat(f.verify().intact()).as("structure alone").isTrue();
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, f.openings))
        .isInstanceOfSatisfying(
            LedgerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUDGET_EXCEEDED));

    // The forger knows every opening and proves each entry honestly, but the slack is negative.
    double order = 8.0;
    int k = BudgetProver.orderIndex(LedgerFixture.GRID, order);
    long size = 6;
    String checkpoint = new String(Files.readAllBytes(f.head(size)), StandardCharsets.UTF_8);
    byte[] root = rootOf(checkpoint);
    List<PedersenOpening> openings = new ArrayList<>();
    List<byte[]> proofs = new ArrayList<>();
    for (long seq = 1; seq < size; seq++) {
      LedgerEntry e = f.read(seq);
      CostOpening o = f.openings.loadCost(e.releaseId()).orElseThrow();
      PedersenOpening at = o.pedersen(o.check(e, f.ledger.genesis()))[k];
      openings.add(at);
      proofs.add(
          RangeProver.prove(
                  BudgetProof.context(LedgerFixture.ORIGIN, size, root, seq, order),
                  at,
                  BudgetProof.ENTRY_BITS,
                  RANDOM)
              .encode());
    }
    long t = BudgetThreshold.of(f.ledger.genesis(), order, 0.0);
    assertThatThrownBy(() -> PedersenOpening.publicMinus(BigInteger.valueOf(t), openings))
        .as("the slack T − Σv is negative")
        .isInstanceOf(IllegalArgumentException.class);
    BigInteger sumR =
        openings.stream().map(PedersenOpening::blinding).reduce(BigInteger.ZERO, BigInteger::add);
    PedersenOpening fake = PedersenOpening.of(BigInteger.ZERO, sumR.negate().mod(P256.N));
    byte[] slack =
        RangeProver.prove(
                BudgetProof.context(LedgerFixture.ORIGIN, size, root, 0, order),
                fake,
                BudgetProof.SLACK_BITS,
                RANDOM)
            .encode();
    BudgetProof forged = new BudgetProof(checkpoint, order, proofs, slack);
    assertRejected(verifyBudget(forged), Reason.BUDGET_PROOF_INVALID, 0);
    assertRejected(
        auditor().verifyBudget(f.store, List.of(), forged, false), Reason.BUDGET_PROOF_INVALID, 0);
  }

  /**
   * A store that serves another ledger.json on the first read. Were ledger.json read once to find
   * α*'s index in the grid and again, verified, for everything else, a grid of {64} on the first
   * read would make the auditor sum the commitments at α = 1.5 (index 0 of the real grid, where
   * every cost is small) and compare them with T(64): a valid proof of a false statement about a
   * ledger whose committed total is over budget at every order. The auditor reads each file once,
   * so the substitute is the only ledger.json it sees, and entry 1 does not chain to it.
   */
  @Test
  void budgetProof_storeServingAnotherGridOnTheFirstRead_isRejected() throws Exception {
    byte[] releaseId = new byte[LedgerEntry.RELEASE_ID_LENGTH];
    RANDOM.nextBytes(releaseId);
    CostOpening heavy =
        CostOpening.fresh(
            releaseId, GaussianEvent.withNoiseMultiplier(1), LedgerFixture.GRID, RANDOM);
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry last = entries.get(3);
    entries.add(
        new LedgerEntry(
            5,
            last.timeMillis(),
            last.origin(),
            last.previousLeafHash(),
            releaseId,
            "manual",
            heavy.commit(heavy.cost(LedgerFixture.GRID)),
            last.commitments()));
    f.rewriteWithRealKey(entries);
    f.openings.save(heavy);
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, f.openings))
        .as("over budget at every order")
        .isInstanceOfSatisfying(
            LedgerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUDGET_EXCEEDED));

    // The forger proves Σ C_i(1.5) ≤ T(64), bound to order 64.
    double order = 64.0;
    long size = 6;
    String checkpoint = new String(Files.readAllBytes(f.head(size)), StandardCharsets.UTF_8);
    byte[] root = rootOf(checkpoint);
    List<PedersenOpening> openings = new ArrayList<>();
    List<byte[]> proofs = new ArrayList<>();
    for (long seq = 1; seq < size; seq++) {
      LedgerEntry e = f.read(seq);
      CostOpening o = f.openings.loadCost(e.releaseId()).orElseThrow();
      PedersenOpening atLowOrder = o.pedersen(o.check(e, f.ledger.genesis()))[0];
      openings.add(atLowOrder);
      proofs.add(
          RangeProver.prove(
                  BudgetProof.context(LedgerFixture.ORIGIN, size, root, seq, order),
                  atLowOrder,
                  BudgetProof.ENTRY_BITS,
                  RANDOM)
              .encode());
    }
    long t = BudgetThreshold.of(f.ledger.genesis(), order, 0.0);
    PedersenOpening slack = PedersenOpening.publicMinus(BigInteger.valueOf(t), openings);
    byte[] slackProof =
        RangeProver.prove(
                BudgetProof.context(LedgerFixture.ORIGIN, size, root, 0, order),
                slack,
                BudgetProof.SLACK_BITS,
                RANDOM)
            .encode();
    BudgetProof forged = new BudgetProof(checkpoint, order, proofs, slackProof);

    LedgerGenesis real = f.ledger.genesis();
    byte[] otherGrid =
        new LedgerGenesis(
                real.origin(),
                real.createdMillis(),
                real.mode(),
                real.budgetEpsilon(),
                real.budgetDelta(),
                org.privspark.core.accounting.OrderGrid.of(order),
                real.publicKey(),
                real.formatVersion(),
                real.unit())
            .encode();
    ReadRecordingStore shifting =
        new ReadRecordingStore(f.store).onFirstRead(LedgerLayout.GENESIS, otherGrid);
    BudgetReport r = auditor().verifyBudget(shifting, List.of(), forged);
    assertThat(r.ok()).as(r.message()).isFalse();
    assertRejected(r, Reason.GENESIS_MISMATCH, 1);
    // On an honest store the same proof fails at its first entry proof.
    assertRejected(verifyBudget(forged), Reason.BUDGET_PROOF_INVALID, 1);
  }

  /**
   * The auditor reads each file once: a budget proof, a spot check and a structural verification.
   */
  @Test
  void auditor_readsEachFileOnce() {
    ReadRecordingStore budget = new ReadRecordingStore(f.store);
    assertThat(
            auditor()
                .verifyBudget(budget, List.of(), BudgetProver.prove(f.ledger, Double.NaN, RANDOM))
                .ok())
        .isTrue();
    assertThat(budget.reads())
        .containsKey(LedgerLayout.GENESIS)
        .allSatisfy((path, n) -> assertThat(n).as(path).isOne());

    byte[] n = nonce(9);
    ReadRecordingStore spot = new ReadRecordingStore(f.store);
    SpotCheck.Response response = SpotCheck.decode(SpotCheck.open(f.ledger, n, 2));
    assertThat(auditor().spotCheck(spot, List.of(), n, 2, f.ledger.checkpoint(), response).ok())
        .isTrue();
    assertThat(spot.reads())
        .containsKey(LedgerLayout.GENESIS)
        .allSatisfy((path, c) -> assertThat(c).as(path).isOne());

    ReadRecordingStore structure = new ReadRecordingStore(f.store);
    assertThat(
            new org.privspark.core.audit.LedgerVerifier(f.signer.verifier())
                .verify(structure, List.of())
                .intact())
        .isTrue();
    assertThat(structure.reads())
        .containsKey(LedgerLayout.GENESIS)
        .allSatisfy((path, c) -> assertThat(c).as(path).isOne());
  }

  /**
   * A "negative" cost n − x at α* would cancel x of real spending in Σ C_i. The honest prover
   * refuses to prove its range, and a proof for another commitment fails at that entry.
   */
  @Test
  void budgetProof_negativeCommittedCost_isRejectedByItsRangeProof() throws Exception {
    double order = 8.0;
    int k = BudgetProver.orderIndex(LedgerFixture.GRID, order);
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e2 = entries.get(1);
    // Entry 2 commits to n − x at α*, its other orders unchanged.
    BigInteger x = BigInteger.ONE.shiftLeft(41);
    BigInteger r = PedersenOpening.random(0, RANDOM).blinding();
    PedersenOpening negative = PedersenOpening.of(P256.N.subtract(x), r);
    PedersenCommitment[] cs = e2.confidentialCost().commitments();
    cs[k] = negative.commitment();
    entries.set(
        1,
        new LedgerEntry(
            2,
            e2.timeMillis(),
            e2.origin(),
            e2.previousLeafHash(),
            e2.releaseId(),
            e2.mechanism(),
            new ConfidentialCost(cs, 0.0),
            e2.commitments()));
    f.rewriteWithRealKey(entries);
    assertThat(f.verify().intact()).as("structure alone").isTrue();

    String checkpoint = new String(Files.readAllBytes(f.head(5)), StandardCharsets.UTF_8);
    byte[] root = rootOf(checkpoint);
    ProofContext context2 = BudgetProof.context(LedgerFixture.ORIGIN, 5, root, 2, order);
    assertThatThrownBy(() -> RangeProver.prove(context2, negative, BudgetProof.ENTRY_BITS, RANDOM))
        .as("the honest prover refuses")
        .isInstanceOf(IllegalArgumentException.class);

    List<PedersenOpening> openings = new ArrayList<>();
    List<byte[]> proofs = new ArrayList<>();
    for (long seq = 1; seq <= 4; seq++) {
      PedersenOpening at;
      if (seq == 2) {
        at = negative;
        // A range proof for a commitment to 0 with the same blinding: not the entry's commitment.
        proofs.add(
            RangeProver.prove(
                    context2,
                    PedersenOpening.of(BigInteger.ZERO, r),
                    BudgetProof.ENTRY_BITS,
                    RANDOM)
                .encode());
      } else {
        LedgerEntry e = f.read(seq);
        CostOpening o = f.openings.loadCost(e.releaseId()).orElseThrow();
        at = o.pedersen(o.cost(LedgerFixture.GRID))[k];
        proofs.add(
            RangeProver.prove(
                    BudgetProof.context(LedgerFixture.ORIGIN, 5, root, seq, order),
                    at,
                    BudgetProof.ENTRY_BITS,
                    RANDOM)
                .encode());
      }
      openings.add(at);
    }
    // The slack, computed mod n, is a small honest-looking value: only the entry proof stops it.
    long t = BudgetThreshold.of(f.ledger.genesis(), order, 0.0);
    BigInteger v = BigInteger.valueOf(t);
    BigInteger sumR = BigInteger.ZERO;
    for (PedersenOpening o : openings) {
      v = v.subtract(o.value());
      sumR = sumR.add(o.blinding());
    }
    PedersenOpening slackOpening = PedersenOpening.of(v.mod(P256.N), sumR.negate().mod(P256.N));
    assertThat(slackOpening.value().bitLength()).isLessThanOrEqualTo(BudgetProof.SLACK_BITS);
    byte[] slack =
        RangeProver.prove(
                BudgetProof.context(LedgerFixture.ORIGIN, 5, root, 0, order),
                slackOpening,
                BudgetProof.SLACK_BITS,
                RANDOM)
            .encode();
    BudgetProof forged = new BudgetProof(checkpoint, order, proofs, slack);
    assertRejected(verifyBudget(forged), Reason.BUDGET_PROOF_INVALID, 2);
  }

  @Test
  void budgetProof_relabelledWithAnotherOrder_isRejected() {
    BudgetProof proof = BudgetProver.prove(f.ledger, 8.0, RANDOM);
    BudgetProof moved =
        new BudgetProof(proof.checkpoint(), 16.0, proof.entryProofs(), proof.slackProof());
    assertRejected(verifyBudget(moved), Reason.BUDGET_PROOF_INVALID, 1);
  }

  /** Proofs from the checkpoint of 3 entries, spliced into a proof for the checkpoint of 4. */
  @Test
  void budgetProof_replayedForAnotherCheckpoint_isRejected() throws Exception {
    LedgerFixture g =
        new LedgerFixture(dir.resolve("three"), LedgerGenesis.CONFIDENTIAL, 4.0, 1e-6);
    BudgetProof four = BudgetProver.prove(f.ledger, 8.0, RANDOM);
    spend(4, "q5");
    BudgetProof five = BudgetProver.prove(f.ledger, 8.0, RANDOM);
    List<byte[]> spliced = new ArrayList<>(four.entryProofs());
    spliced.add(five.entryProofs().get(4));
    BudgetProof hybrid = new BudgetProof(five.checkpoint(), 8.0, spliced, four.slackProof());
    assertRejected(verifyBudget(hybrid), Reason.BUDGET_PROOF_INVALID, 1);
    BudgetProof oldSlack =
        new BudgetProof(five.checkpoint(), 8.0, five.entryProofs(), four.slackProof());
    assertRejected(verifyBudget(oldSlack), Reason.BUDGET_PROOF_INVALID, 0);
    BudgetProof shorter =
        new BudgetProof(five.checkpoint(), 8.0, four.entryProofs(), four.slackProof());
    assertRejected(verifyBudget(shorter), Reason.BUDGET_PROOF_INVALID, -1);
    assertThat(g.ledger.entries()).isZero();
  }

  /** Another ledger's proof, with its own checkpoint or with this ledger's, is rejected. */
  @Test
  void budgetProof_replayedForAnotherLedger_isRejected() {
    LedgerFixture other =
        new LedgerFixture(dir.resolve("other"), LedgerGenesis.CONFIDENTIAL, 4.0, 1e-6);
    for (int i = 0; i < 4; i++) {
      other.ledger.append(
          "private-aggregation",
          GaussianEvent.withNoiseMultiplier(4),
          ReleaseDetails.describing("o"));
    }
    BudgetProof theirs = BudgetProver.prove(other.ledger, 8.0, RANDOM);
    BudgetReport asIs = verifyBudget(theirs);
    assertThat(asIs.ok()).isFalse();
    assertThat(asIs.reason()).isIn(Reason.UNKNOWN_KEY, Reason.BAD_SIGNATURE);
    String ours = f.ledger.checkpoint();
    BudgetProof relabelled = new BudgetProof(ours, 8.0, theirs.entryProofs(), theirs.slackProof());
    assertRejected(verifyBudget(relabelled), Reason.BUDGET_PROOF_INVALID, 1);
  }

  @Test
  void budgetProof_anyFlippedBitInASlackScalar_isRejected() {
    BudgetProof proof = BudgetProver.prove(f.ledger, 8.0, RANDOM);
    byte[] slack = proof.slackProof();
    slack[slack.length - 1] ^= 0x01;
    BudgetReport r =
        verifyBudget(new BudgetProof(proof.checkpoint(), 8.0, proof.entryProofs(), slack));
    assertThat(r.ok()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.BUDGET_PROOF_INVALID);
  }

  @Test
  void budgetProofFile_truncatedOrPadded_isMalformed() {
    String json =
        new String(BudgetProver.prove(f.ledger, 8.0, RANDOM).encode(), StandardCharsets.UTF_8);
    int at = json.indexOf("\"slackProof\":\"") + 14;
    String truncated = json.substring(0, at) + json.substring(at + 4);
    assertThatThrownBy(() -> BudgetProof.decode(truncated.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            LedgerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    String padded = json.substring(0, at) + "AAAA" + json.substring(at);
    assertThatThrownBy(() -> BudgetProof.decode(padded.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(LedgerException.class);
  }

  // ---------------------------------------------------------------- spot checks

  private static byte[] nonce(int i) {
    byte[] n = new byte[16];
    n[15] = (byte) i;
    n[14] = (byte) (i >> 8);
    return n;
  }

  @Test
  void sample_isDerivedFromRootAndNonce_distinctAndInRange() {
    byte[] root = f.ledger.state().tree().root(5);
    long[] a = SpotCheck.sample(LedgerFixture.ORIGIN, 5, root, nonce(1), 2);
    assertThat(SpotCheck.sample(LedgerFixture.ORIGIN, 5, root, nonce(1), 2)).isEqualTo(a);
    assertThat(a).hasSize(2).doesNotHaveDuplicates();
    assertThat(Arrays.stream(a).boxed().toList()).allSatisfy(i -> assertThat(i).isBetween(1L, 4L));
    assertThat(SpotCheck.sample(LedgerFixture.ORIGIN, 5, root, nonce(1), 99))
        .containsExactly(1, 2, 3, 4);
    // Over many nonces (or roots), every entry is sometimes chosen and sometimes not.
    int[] chosen = new int[5];
    int[] chosenOtherRoot = new int[5];
    byte[] otherRoot = f.ledger.state().tree().root(4);
    for (int i = 0; i < 200; i++) {
      for (long s : SpotCheck.sample(LedgerFixture.ORIGIN, 5, root, nonce(i), 1)) {
        chosen[(int) s]++;
      }
      for (long s : SpotCheck.sample(LedgerFixture.ORIGIN, 5, otherRoot, nonce(i), 1)) {
        chosenOtherRoot[(int) s]++;
      }
    }
    // Each count is Binomial(200, 1/4): below 20 or above 80 with probability < 1e-6 per entry.
    for (int s = 1; s <= 4; s++) {
      assertThat(chosen[s]).as("entry %d", s).isBetween(20, 80);
    }
    assertThat(chosenOtherRoot).isNotEqualTo(chosen);
  }

  @Test
  void spotCheck_honest_passes() {
    byte[] n = nonce(7);
    SpotCheck.Response response = SpotCheck.decode(SpotCheck.open(f.ledger, n, 2));
    BudgetReport r = auditor().spotCheck(f.store, List.of(), n, 2, f.ledger.checkpoint(), response);
    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.opened()).hasSize(2);
  }

  /**
   * Entry 2's committed cost is lowered (re-signed with the real key, cost opening to match): the
   * structure and the budget proof cannot see it, and a spot check catches it exactly when the
   * sample from root and nonce picks entry 2.
   */
  @Test
  void spotCheck_lowerCommittedCost_isCaughtWhenSampled() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e2 = entries.get(1);
    CostOpening real = f.openings.loadCost(e2.releaseId()).orElseThrow();
    FixedPointCost cheap =
        FixedPointCost.of(GaussianEvent.withNoiseMultiplier(40), LedgerFixture.GRID);
    entries.set(
        1,
        new LedgerEntry(
            2,
            e2.timeMillis(),
            e2.origin(),
            e2.previousLeafHash(),
            e2.releaseId(),
            e2.mechanism(),
            real.commit(cheap),
            e2.commitments()));
    f.rewriteWithRealKey(entries);
    assertThat(f.verify().intact()).isTrue();
    String checkpoint = new String(Files.readAllBytes(f.head(5)), StandardCharsets.UTF_8);
    byte[] root = rootOf(checkpoint);

    int caught = 0;
    int missed = 0;
    for (int i = 0; i < 40; i++) {
      byte[] n = nonce(i);
      long[] sample = SpotCheck.sample(LedgerFixture.ORIGIN, 5, root, n, 1);
      // The cheating holder answers with the real event (its true mechanism) and the blindings.
      List<SpotCheck.Opened> opened = new ArrayList<>();
      for (long s : sample) {
        LedgerEntry e = f.read(s);
        opened.add(new SpotCheck.Opened(s, f.openings.loadCost(e.releaseId()).orElseThrow()));
      }
      BudgetReport r =
          auditor()
              .spotCheck(
                  f.store,
                  List.of(),
                  n,
                  1,
                  checkpoint,
                  new SpotCheck.Response(checkpoint, n, opened));
      if (sample[0] == 2) {
        assertRejected(r, Reason.COST_MISMATCH, 2);
        caught++;
      } else {
        assertThat(r.ok()).as(r.message()).isTrue();
        missed++;
      }
    }
    assertThat(caught).isPositive();
    assertThat(missed).isPositive();
  }

  @Test
  void spotCheck_openingsForAnotherSample_areRejected() {
    SpotCheck.Response forOne = SpotCheck.decode(SpotCheck.open(f.ledger, nonce(1), 2));
    String fixed = f.ledger.checkpoint();
    BudgetReport r = auditor().spotCheck(f.store, List.of(), nonce(2), 2, fixed, forOne);
    assertRejected(r, Reason.OPENING_MISMATCH, -1);
    SpotCheck.Response relabelled =
        new SpotCheck.Response(forOne.checkpoint(), nonce(2), forOne.openings());
    long[] want =
        SpotCheck.sample(LedgerFixture.ORIGIN, 5, f.ledger.state().tree().root(5), nonce(2), 2);
    long[] got = forOne.openings().stream().mapToLong(SpotCheck.Opened::seq).toArray();
    BudgetReport r2 = auditor().spotCheck(f.store, List.of(), nonce(2), 2, fixed, relabelled);
    assertThat(r2.ok()).isEqualTo(Arrays.equals(want, got));
  }

  @Test
  void spotCheck_openingWithAlteredBlinding_isCostMismatch() {
    byte[] n = nonce(3);
    SpotCheck.Response honest = SpotCheck.decode(SpotCheck.open(f.ledger, n, 1));
    SpotCheck.Opened o = honest.openings().get(0);
    BigInteger[] r = o.opening().blindings();
    r[0] = r[0].add(BigInteger.ONE);
    SpotCheck.Response altered =
        new SpotCheck.Response(
            honest.checkpoint(),
            n,
            List.of(
                new SpotCheck.Opened(
                    o.seq(), new CostOpening(o.opening().releaseId(), o.opening().event(), r))));
    assertRejected(
        auditor().spotCheck(f.store, List.of(), n, 1, f.ledger.checkpoint(), altered),
        Reason.COST_MISMATCH,
        o.seq());
  }

  /**
   * After seeing the nonce, the holder answers for an older, smaller checkpoint (here the one of
   * three entries) whose sample it prefers, with honest openings. Without the checkpoint the
   * auditor fixed before choosing the nonce there is nothing to hold the answer to: the auditor
   * refuses to check; with it, the answer is for another checkpoint.
   */
  @Test
  void spotCheck_answerForAnOlderCheckpoint_needsTheFixedOneAndFailsAgainstIt() throws Exception {
    String fixed = f.ledger.checkpoint();
    byte[] n = nonce(5);
    List<SpotCheck.Opened> opened = new ArrayList<>();
    for (long s : SpotCheck.sample(LedgerFixture.ORIGIN, 4, rootOf(checkpointAfterThree), n, 1)) {
      opened.add(new SpotCheck.Opened(s, f.openings.loadCost(f.read(s).releaseId()).orElseThrow()));
    }
    SpotCheck.Response older = new SpotCheck.Response(checkpointAfterThree, n, opened);
    assertThatThrownBy(() -> auditor().spotCheck(f.store, List.of(), n, 1, null, older))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expectedCheckpoint");
    assertRejected(
        auditor().spotCheck(f.store, List.of(), n, 1, fixed, older), Reason.OPENING_MISMATCH, -1);
  }

  @Test
  void spotCheck_responseForANewerCheckpointThanTheFixedOne_isRejected() {
    String fixed = f.ledger.checkpoint();
    spend(4, "q5");
    SpotCheck.Response response = SpotCheck.decode(SpotCheck.open(f.ledger, nonce(4), 2));
    assertRejected(
        auditor().spotCheck(f.store, List.of(), nonce(4), 2, fixed, response),
        Reason.OPENING_MISMATCH,
        -1);
  }

  // ------------------------------------------------ structural tampering (the common cases are in
  // StructuralTamperCases)

  /** A cost commitment replaced by another valid point (here: entry 3's) breaks the chain. */
  @Test
  void replacedCostCommitment_breaksTheChain() throws Exception {
    String two = f.text(f.entry(2));
    String c2 = HexFormat.of().formatHex(f.read(2).confidentialCost().at(0).encode());
    String c3 = HexFormat.of().formatHex(f.read(3).confidentialCost().at(0).encode());
    f.write(f.entry(2), two.replace(c2, c3));
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, 3);
  }

  /** Without the key the chain breaks first; signed by the holder, the entry is malformed. */
  @Test
  void costCommitmentNotOnTheCurve_isMalformed() throws Exception {
    String two = f.text(f.entry(2));
    String c2 = HexFormat.of().formatHex(f.read(2).confidentialCost().at(0).encode());
    byte[] bad =
        two.replace(c2, "04" + c2.substring(2)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Files.write(f.entry(2), bad);
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, 3);
    f.replaceWithRealKey(2, bad);
    assertRejected(f.verify(), Reason.MALFORMED, 2);
  }

  @Test
  void truncationAgainstASavedCheckpoint() throws Exception {
    Files.delete(f.entry(4));
    Files.delete(f.entry(3));
    Files.delete(f.head(5));
    Files.delete(f.head(4));
    assertRejected(f.verify(checkpointAfterThree), Reason.INCONSISTENT_CHECKPOINT, 3);
  }

  @Test
  void historyRewrittenAndReSigned_isCaughtByAnEarlierCheckpoint() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    entries.remove(1);
    f.rewriteWithRealKey(entries);
    assertThat(f.verify().intact()).as("the rewritten ledger on its own").isTrue();
    assertRejected(f.verify(checkpointAfterThree), Reason.INCONSISTENT_CHECKPOINT, -1);
  }

  @Test
  void forgedSignature() throws Exception {
    String note = f.text(f.head(5));
    int pos = note.length() - 10;
    char c = note.charAt(pos);
    f.write(f.head(5), note.substring(0, pos) + (c == 'A' ? 'B' : 'A') + note.substring(pos + 1));
    assertRejected(f.verify(), Reason.BAD_SIGNATURE, -1);
  }

  @Test
  void auditorWithAnotherKey() {
    BudgetProof proof = BudgetProver.prove(f.ledger, Double.NaN, RANDOM);
    BudgetReport r =
        new ConfidentialVerifier(NoteSigner.generate(LedgerFixture.ORIGIN).verifier())
            .verifyBudget(f.store, List.of(), proof);
    assertRejected(r, Reason.UNKNOWN_KEY, -1);
  }

  @Test
  void transparentEntryInAConfidentialLedger_isMalformed() throws Exception {
    List<LedgerEntry> entries = new ArrayList<>(f.entries());
    LedgerEntry e = entries.get(2);
    PrivacyEvent event = GaussianEvent.withNoiseMultiplier(4);
    entries.set(
        2,
        new LedgerEntry(
            3,
            e.timeMillis(),
            e.origin(),
            e.previousLeafHash(),
            e.releaseId(),
            e.mechanism(),
            event,
            FixedPointCost.of(event, LedgerFixture.GRID),
            e.commitments()));
    f.rewriteWithRealKey(entries);
    assertRejected(f.verify(), Reason.MALFORMED, 3);
  }
}
