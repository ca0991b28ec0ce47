package org.privspark.core.audit;

import java.util.List;
import java.util.Map;
import org.privspark.core.ledger.Reason;

/**
 * What {@link LedgerVerifier} found. When {@link #intact()} is false, {@link #reason()} and
 * {@link #failedIndex()} name the first failure, and the totals cover the entries before it.
 *
 * @param intact whether every check passed
 * @param reason the first failure's code, or null
 * @param failedIndex the first failing leaf (0 = ledger.json, n = entry n), or −1
 * @param message a sentence about the failure, or "intact"
 * @param origin the ledger's origin
 * @param entries the entries verified
 * @param budgetEpsilon the budget's ε
 * @param budgetDelta the budget's δ
 * @param spentEpsilon ε spent at the budget's δ
 * @param additiveDelta the sum of the entries' additive δ
 * @param checkpointSize the size of the newest signed checkpoint verified (leaves, ledger.json
 *     included), or 0
 * @param checkpointRoot its root hash in hex, or ""
 * @param mechanisms per mechanism name: entries and the ε of those entries alone
 * @param timeline cumulative ε after each entry, with its time
 */
public record AuditReport(
    boolean intact, Reason reason, long failedIndex, String message, String origin, long entries,
    double budgetEpsilon, double budgetDelta, double spentEpsilon, double additiveDelta,
    long checkpointSize, String checkpointRoot, Map<String, MechanismTotal> mechanisms,
    List<Point> timeline) {

  /** ε still available at the budget's δ. */
  public double remainingEpsilon() {
    return Math.max(0, budgetEpsilon - spentEpsilon);
  }

  /** One mechanism's share. */
  public record MechanismTotal(long entries, double epsilon) {}

  /** The cumulative ε after entry {@code index}, recorded at {@code timeMillis}. */
  public record Point(long index, long timeMillis, double epsilon) {}
}
