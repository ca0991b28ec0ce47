package org.privspark.core.audit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.privspark.core.Check;
import org.privspark.core.accounting.RdpCurve;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerReplay;
import org.privspark.core.ledger.LedgerStore;
import org.privspark.core.ledger.Reason;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.BudgetProver;
import org.privspark.core.ledger.confidential.BudgetThreshold;
import org.privspark.core.ledger.confidential.SpotCheck;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteVerifier;
import org.privspark.core.zk.PedersenCommitment;
import org.privspark.core.zk.ProofContext;
import org.privspark.core.zk.RangeProof;
import org.privspark.core.zk.RangeStatement;
import org.privspark.core.zk.RangeVerifier;
import org.privspark.core.zk.ZkVerificationException;

/**
 * The auditor's checks of a confidential ledger beyond its structure (docs/LEDGER-FORMAT.md §10):
 * the budget proof at one order α*, and spot checks of sampled entries.
 *
 * <p><b>Budget proof.</b> After the ledger verifies structurally (as {@link LedgerVerifier} does),
 * the proof's checkpoint must be signed with the auditor's key and match the ledger's first {@code
 * size} leaves. The auditor then forms, itself, S = Σ C_i(α*) over the checkpoint's entries, the
 * threshold T(α*) from the budget and the entries' public additive δ, and D = T·G − S, and checks a
 * range proof per entry (C_i(α*) ∈ [0, 2^48)) and one for D ∈ [0, 2^64). Since the entry values are
 * in [0, 2^48) and there are fewer than 2^63 of them, Σ v_i &lt; 2^111 never wraps mod n (n &gt;
 * 2^255); so D ∈ [0, 2^64) means T − Σ v_i is a genuine non-negative integer: the committed total
 * at α* is within budget. All proofs are checked in one batch ({@link RangeVerifier#verifyBatch});
 * if the batch fails, one by one, to name the first failing proof.
 *
 * <p>It proves nothing about whether a committed cost is the cost of the mechanism that ran: spot
 * checks ({@link #spotCheck}) test that on a sample.
 */
public final class ConfidentialVerifier {
  private final NoteVerifier key;
  private final LedgerVerifier structure;
  private final SecureRandom random = new SecureRandom();

  public ConfidentialVerifier(NoteVerifier key) {
    this.key = Check.notNull("key", key);
    this.structure = new LedgerVerifier(key);
  }

  /** Verifies the ledger and its budget proof, checking all range proofs in one batch. */
  public BudgetReport verifyBudget(
      LedgerStore store, List<String> savedCheckpoints, BudgetProof proof) {
    return verifyBudget(store, savedCheckpoints, proof, true);
  }

  /**
   * Verifies the ledger and its budget proof.
   *
   * @param batch whether to check the range proofs in one batch (else one by one)
   */
  public BudgetReport verifyBudget(
      LedgerStore store, List<String> savedCheckpoints, BudgetProof proof, boolean batch) {
    Check.notNull("proof", proof);
    List<PedersenCommitment> atOrder = new ArrayList<>();
    List<Double> deltas = new ArrayList<>();
    // α*'s index in the grid of the one ledger.json read, the replay's: the replay hashes those
    // very bytes as leaf 0, so the checkpoints verify the grid the commitments are picked with.
    LedgerVerifier.Outcome outcome =
        structure.verify(
            store,
            savedCheckpoints,
            (genesis, e) -> {
              if (e.confidential()) {
                int k = BudgetProver.orderIndex(genesis.grid(), proof.order());
                if (k >= 0 && k < e.confidentialCost().orders()) {
                  atOrder.add(e.confidentialCost().at(k));
                }
                deltas.add(e.confidentialCost().delta());
              }
            });
    AuditReport report = outcome.report();
    if (!report.intact()) {
      return fail(
          report,
          report.reason(),
          report.failedIndex(),
          "the ledger does not verify: " + report.message(),
          proof.order(),
          0);
    }
    LedgerReplay replay = outcome.replay();
    LedgerGenesis g = replay.genesis();
    if (!g.confidential()) {
      return fail(
          report,
          Reason.MALFORMED,
          0,
          "the ledger is transparent: it needs no budget proof",
          proof.order(),
          0);
    }
    int k = BudgetProver.orderIndex(g.grid(), proof.order());
    if (k < 0) {
      return fail(
          report,
          Reason.BUDGET_PROOF_INVALID,
          -1,
          "the proof's order " + proof.order() + " is not one of the ledger's orders",
          proof.order(),
          0);
    }
    Checkpoint checkpoint;
    try {
      checkpoint = openCheckpoint(proof.checkpoint(), g, replay);
    } catch (LedgerException e) {
      return fail(
          report,
          e.reason(),
          e.index(),
          "the proof's checkpoint: " + e.getMessage(),
          proof.order(),
          0);
    }
    long size = checkpoint.size();
    long n = size - 1;
    byte[] root = checkpoint.rootHash();
    if (proof.entryProofs().size() != n) {
      return fail(
          report,
          Reason.BUDGET_PROOF_INVALID,
          -1,
          "the proof has "
              + proof.entryProofs().size()
              + " entry proofs for a checkpoint of "
              + n
              + " entries",
          proof.order(),
          size);
    }
    double delta = 0;
    for (int i = 0; i < n; i++) {
      delta = Math.min(1.0, RdpCurve.addRoundingUp(delta, deltas.get(i)));
    }
    long threshold = BudgetThreshold.of(g, proof.order(), delta);
    if (threshold < 0) {
      return fail(
          report,
          Reason.BUDGET_EXCEEDED,
          0,
          "no total is within budget at order "
              + proof.order()
              + " once the entries' additive delta is taken off",
          proof.order(),
          size);
    }
    if (n == 0) {
      return new BudgetReport(
          true, null, -1, "within budget: no entries", report, 0, proof.order(), size, new long[0]);
    }
    List<RangeStatement> statements = new ArrayList<>();
    List<Long> indices = new ArrayList<>();
    try {
      List<byte[]> proofs = proof.entryProofs();
      for (int i = 1; i <= n; i++) {
        ProofContext context = BudgetProof.context(g.origin(), size, root, i, proof.order());
        statements.add(
            new RangeStatement(
                context,
                atOrder.get(i - 1),
                BudgetProof.ENTRY_BITS,
                decode(proofs.get(i - 1), BudgetProof.ENTRY_BITS, i)));
        indices.add((long) i);
      }
      PedersenCommitment sum = PedersenCommitment.sum(atOrder.subList(0, (int) n));
      PedersenCommitment slack = PedersenCommitment.publicMinus(BigInteger.valueOf(threshold), sum);
      ProofContext context =
          BudgetProof.context(g.origin(), size, root, BudgetProof.SLACK_INDEX, proof.order());
      statements.add(
          new RangeStatement(
              context,
              slack,
              BudgetProof.SLACK_BITS,
              decode(proof.slackProof(), BudgetProof.SLACK_BITS, 0)));
      indices.add(BudgetProof.SLACK_INDEX);
    } catch (LedgerException e) {
      return fail(report, e.reason(), e.index(), e.getMessage(), proof.order(), size);
    } catch (IllegalArgumentException e) {
      // T·G − S or S is the identity: not reachable by honest commitments.
      return fail(report, Reason.BUDGET_PROOF_INVALID, 0, e.getMessage(), proof.order(), size);
    }
    if (batch) {
      try {
        RangeVerifier.verifyBatch(statements, random);
        return ok(report, n, proof.order(), size);
      } catch (ZkVerificationException e) {
        // Fall through: find the first failing proof.
      }
    }
    for (int i = 0; i < statements.size(); i++) {
      RangeStatement s = statements.get(i);
      try {
        RangeVerifier.verify(s.context(), s.commitment(), s.bits(), s.proof());
      } catch (ZkVerificationException e) {
        long index = indices.get(i);
        return fail(
            report,
            Reason.BUDGET_PROOF_INVALID,
            index,
            (index == 0
                    ? "the budget-slack proof (committed total ≤ threshold at order "
                        + proof.order()
                        + ") fails: "
                    : "entry " + index + "'s range proof fails: ")
                + e.getMessage(),
            proof.order(),
            size);
      }
    }
    if (batch) {
      // Every proof verified alone but the batch did not: impossible unless the batch check is
      // broken.
      return fail(
          report, Reason.BUDGET_PROOF_INVALID, -1, "the batch check failed", proof.order(), size);
    }
    return ok(report, n, proof.order(), size);
  }

  /**
   * Checks a spot-check response against the ledger and the auditor's nonce.
   *
   * @param expectedCheckpoint the checkpoint the auditor fixed (saved) before choosing the nonce;
   *     required: a checkpoint chosen by the holder after seeing the nonce (an older, smaller one,
   *     or one appended and re-signed for the purpose) would let the holder pick the sample
   * @param count the sample size the auditor asked for
   * @throws IllegalArgumentException if {@code expectedCheckpoint} is null
   */
  public BudgetReport spotCheck(
      LedgerStore store,
      List<String> savedCheckpoints,
      byte[] nonce,
      int count,
      String expectedCheckpoint,
      SpotCheck.Response response) {
    Check.notNull("nonce", nonce);
    Check.notNull("response", response);
    if (expectedCheckpoint == null) {
      throw new IllegalArgumentException(
          "expectedCheckpoint must be the checkpoint fixed before the nonce was chosen; got null (a"
              + " checkpoint the holder picks after seeing the nonce lets it pick the sample)");
    }
    Map<Long, LedgerEntry> wanted = new HashMap<>();
    response.openings().forEach(o -> wanted.put(o.seq(), null));
    LedgerVerifier.Outcome outcome =
        structure.verify(
            store,
            savedCheckpoints,
            (genesis, e) -> {
              if (wanted.containsKey(e.seq())) {
                wanted.put(e.seq(), e);
              }
            });
    AuditReport report = outcome.report();
    if (!report.intact()) {
      return fail(
          report,
          report.reason(),
          report.failedIndex(),
          "the ledger does not verify: " + report.message(),
          Double.NaN,
          0);
    }
    LedgerReplay replay = outcome.replay();
    LedgerGenesis g = replay.genesis();
    if (!g.confidential()) {
      return fail(
          report,
          Reason.MALFORMED,
          0,
          "the ledger is transparent: its costs are checked in full",
          Double.NaN,
          0);
    }
    if (!Arrays.equals(response.nonce(), nonce)) {
      return fail(
          report, Reason.OPENING_MISMATCH, -1, "the response answers another nonce", Double.NaN, 0);
    }
    if (!expectedCheckpoint.equals(response.checkpoint())) {
      return fail(
          report,
          Reason.OPENING_MISMATCH,
          -1,
          "the response is for another checkpoint than the one" + " fixed before the nonce",
          Double.NaN,
          0);
    }
    Checkpoint checkpoint;
    try {
      checkpoint = openCheckpoint(response.checkpoint(), g, replay);
    } catch (LedgerException e) {
      return fail(
          report,
          e.reason(),
          e.index(),
          "the response's checkpoint: " + e.getMessage(),
          Double.NaN,
          0);
    }
    long size = checkpoint.size();
    if (size < 2) {
      return fail(
          report,
          Reason.OPENING_MISMATCH,
          -1,
          "the checkpoint has no entries to open",
          Double.NaN,
          size);
    }
    long[] sample = SpotCheck.sample(g.origin(), size, checkpoint.rootHash(), nonce, count);
    if (!SpotCheck.covers(response, sample)) {
      return fail(
          report,
          Reason.OPENING_MISMATCH,
          -1,
          "the response opens entries "
              + Arrays.toString(
                  response.openings().stream().mapToLong(SpotCheck.Opened::seq).toArray())
              + " but the sample from the checkpoint's root and the nonce is "
              + Arrays.toString(sample),
          Double.NaN,
          size);
    }
    for (SpotCheck.Opened o : response.openings()) {
      try {
        o.opening().check(wanted.get(o.seq()), g);
      } catch (LedgerException e) {
        return fail(report, e.reason(), o.seq(), e.getMessage(), Double.NaN, size);
      }
    }
    return new BudgetReport(
        true,
        null,
        -1,
        "spot check passed: "
            + sample.length
            + " of "
            + (size - 1)
            + " entries opened and their committed costs match their mechanisms",
        report,
        size - 1,
        Double.NaN,
        size,
        sample);
  }

  private Checkpoint openCheckpoint(String note, LedgerGenesis g, LedgerReplay replay) {
    Checkpoint c = structure.openCheckpoint(note.getBytes(StandardCharsets.UTF_8), "checkpoint", g);
    if (c.size() > replay.nextIndex()) {
      throw new LedgerException(
          Reason.INCONSISTENT_CHECKPOINT,
          replay.nextIndex(),
          "it covers " + c.size() + " leaves but the ledger has " + replay.nextIndex());
    }
    if (!Arrays.equals(c.rootHash(), replay.tree().root(c.size()))) {
      throw new LedgerException(
          Reason.INCONSISTENT_CHECKPOINT,
          -1,
          "its root is not the root of the ledger's first " + c.size() + " leaves");
    }
    return c;
  }

  private static RangeProof decode(byte[] bytes, int bits, long index) {
    try {
      return RangeProof.decode(bytes, bits);
    } catch (ZkVerificationException e) {
      throw new LedgerException(
          Reason.BUDGET_PROOF_INVALID,
          index,
          (index == 0 ? "the slack proof" : "entry " + index + "'s range proof")
              + " does not decode: "
              + e.getMessage());
    }
  }

  private static BudgetReport ok(AuditReport report, long n, double order, long size) {
    return new BudgetReport(
        true,
        null,
        -1,
        "within budget: the committed total of "
            + n
            + " entries at order "
            + order
            + " is within the budget",
        report,
        n,
        order,
        size,
        new long[0]);
  }

  private static BudgetReport fail(
      AuditReport report, Reason reason, long index, String message, double order, long size) {
    return new BudgetReport(
        false, reason, index, message, report, Math.max(0, size - 1), order, size, new long[0]);
  }
}
