package org.privspark.core.ledger.confidential;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.ledger.CostOpening;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerReplay;
import org.privspark.core.ledger.Reason;
import org.privspark.core.zk.PedersenOpening;
import org.privspark.core.zk.ProofContext;
import org.privspark.core.zk.RangeProver;

/**
 * The holder's side of a budget proof ({@link BudgetProof}): from the cost openings it keeps,
 * proves that every committed cost at α* is in [0, 2^48) and that their sum is at most T(α*).
 *
 * <p>The honest prover cannot prove a false statement: it refuses when the sum exceeds T(α*) or an
 * entry's cost at α* is 2^48 or more. Proving handles secrets with non-constant-time arithmetic
 * (docs/ZK.md): run it on the holder's machine. Costs one range proof per entry: about 48
 * bit-proofs each.
 */
public final class BudgetProver {
  private BudgetProver() {}

  /**
   * Proves the budget of {@code ledger}'s current checkpoint at {@code order}, or at the order that
   * minimises ε for the total when {@code order} is NaN.
   *
   * @throws IllegalArgumentException if the ledger is not confidential or the order is not on its
   *     grid
   * @throws IllegalStateException if the committed total at the order is over the budget's
   *     threshold
   * @throws LedgerException if an opening is missing or does not match its entry
   */
  public static BudgetProof prove(Ledger ledger, double order, SecureRandom random) {
    Check.notNull("ledger", ledger);
    Check.notNull("random", random);
    synchronized (ledger) {
      Ledger.Snapshot now = ledger.snapshot();
      LedgerGenesis g = now.genesis();
      if (!g.confidential()) {
        throw new IllegalArgumentException(
            "budget proofs are for confidential ledgers; this one is " + g.mode());
      }
      double alpha = Double.isNaN(order) ? bestOrder(now.spent(), g) : order;
      int k = orderIndex(g.grid(), alpha);
      if (k < 0) {
        throw new IllegalArgumentException(
            "order must be one of the ledger's orders; got " + order);
      }
      long size = now.size();
      byte[] root = now.root();
      long threshold = BudgetThreshold.of(g, alpha, now.total().delta());
      long total = now.total().rdp()[k];
      if (threshold < 0 || total > threshold) {
        throw new IllegalStateException(
            "the committed total at order "
                + alpha
                + " is over the budget's threshold"
                + " there; no budget proof exists at this order");
      }
      List<byte[]> proofs = new ArrayList<>();
      List<PedersenOpening> openings = new ArrayList<>();
      for (long seq = 1; seq < size; seq++) {
        LedgerEntry entry = ledger.entry(seq);
        CostOpening opening =
            ledger
                .openings()
                .loadCost(entry.releaseId())
                .orElseThrow(
                    () ->
                        new LedgerException(
                            Reason.OPENING_MISMATCH,
                            entry.seq(),
                            "no cost opening is kept for entry " + entry.seq()));
        FixedPointCost cost = opening.check(entry, g);
        PedersenOpening at = opening.pedersen(cost)[k];
        if (at.value().bitLength() > BudgetProof.ENTRY_BITS) {
          throw new IllegalStateException(
              "entry "
                  + seq
                  + "'s cost at order "
                  + alpha
                  + " is 2^"
                  + BudgetProof.ENTRY_BITS
                  + " (256 in RDP units) or more; prove at another order");
        }
        ProofContext context = BudgetProof.context(g.origin(), size, root, seq, alpha);
        proofs.add(RangeProver.prove(context, at, BudgetProof.ENTRY_BITS, random).encode());
        openings.add(at);
      }
      byte[] slack = new byte[0];
      if (!openings.isEmpty()) {
        PedersenOpening slackOpening =
            PedersenOpening.publicMinus(BigInteger.valueOf(threshold), openings);
        ProofContext context =
            BudgetProof.context(g.origin(), size, root, BudgetProof.SLACK_INDEX, alpha);
        slack = RangeProver.prove(context, slackOpening, BudgetProof.SLACK_BITS, random).encode();
      }
      return new BudgetProof(now.checkpoint(), alpha, proofs, slack);
    }
  }

  /** The order at which the ledger's RDP total converts to the smallest ε. */
  public static double bestOrder(LedgerReplay state) {
    return bestOrder(state.guarantee(state.total()), state.genesis());
  }

  /** The order at which {@code spent} (a ledger's RDP total converted to ε) is smallest. */
  private static double bestOrder(PrivacyGuarantee spent, LedgerGenesis genesis) {
    double best = spent.order();
    return Double.isFinite(best) ? best : genesis.grid().order(0);
  }

  /** The index of {@code order} in {@code grid}, compared bit for bit, or −1. */
  public static int orderIndex(OrderGrid grid, double order) {
    for (int i = 0; i < grid.size(); i++) {
      if (Double.compare(grid.order(i), order) == 0) {
        return i;
      }
    }
    return -1;
  }
}
