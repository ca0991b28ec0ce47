package org.privspark.core.audit;

import java.util.List;
import java.util.Map;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.Reason;

/**
 * What {@link LedgerVerifier} found. When {@link #intact()} is false, {@link #reason()}, {@link
 * #failedIndex()} and {@link #message()} say what failed, and nothing else is reported: the figures
 * are NaN, the counts 0 and the texts and collections empty, because a ledger that does not verify
 * has no figure an auditor may rely on (the budget in ledger.json is itself verified only by the
 * checkpoint; the entries before the failure may be a truncated or rewritten history).
 *
 * @param intact whether every check passed
 * @param reason the first failure's code, or null
 * @param failedIndex the first failing leaf (0 = ledger.json, n = entry n), or −1
 * @param message a sentence about the failure, or "intact"
 * @param origin the ledger's origin
 * @param mode the ledger's mode ({@code transparent} or {@code confidential}); in confidential mode
 *     the costs are hidden and the budget is checked by a budget proof ({@link
 *     ConfidentialVerifier})
 * @param entries the entries verified
 * @param budgetEpsilon the budget's ε
 * @param budgetDelta the budget's δ
 * @param spentEpsilon ε spent at the budget's δ, recomputed under the ledger's {@code accountant}
 *     (NaN in confidential mode)
 * @param additiveDelta the sum of the entries' additive δ
 * @param checkpointSize the size of the newest signed checkpoint verified (leaves, ledger.json
 *     included), or 0
 * @param checkpointRoot its root hash in hex, or ""
 * @param mechanisms per mechanism name: entries and the ε of those entries alone, under the
 *     ledger's accountant
 * @param timeline each entry as verified: its index, time, mechanism, event (transparent mode), δ
 *     and the cumulative ε after it, under the ledger's accountant
 * @param unit the privacy unit the ledger protects (format 4 on), or null when it declares none
 * @param rowIsUnitEntries the entries whose release treated each row as one unit, on the data
 *     holder's statement that each row is one unit (their guarantee rests on that statement)
 * @param accountant the accountant the ledger's genesis names, under which every ε here was
 *     recomputed ({@link Accountant#RDP} for a ledger without the field), or null when the ledger
 *     did not verify
 */
public record AuditReport(
    boolean intact,
    Reason reason,
    long failedIndex,
    String message,
    String origin,
    String mode,
    long entries,
    double budgetEpsilon,
    double budgetDelta,
    double spentEpsilon,
    double additiveDelta,
    long checkpointSize,
    String checkpointRoot,
    Map<String, MechanismTotal> mechanisms,
    List<Point> timeline,
    org.privspark.core.accounting.PrivacyUnit unit,
    long rowIsUnitEntries,
    Accountant accountant) {

  /** A failed verification: the failure, and no figure. */
  static AuditReport failed(Reason reason, long failedIndex, String message) {
    return new AuditReport(
        false,
        reason,
        failedIndex,
        message,
        "",
        "",
        0,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        0,
        "",
        Map.of(),
        List.of(),
        null,
        0,
        null);
  }

  /** Whether the ledger verified and is confidential: its budget still needs a budget proof. */
  public boolean confidential() {
    return LedgerGenesis.CONFIDENTIAL.equals(mode);
  }

  /**
   * ε still available at the budget's δ (NaN when the ledger did not verify or is confidential).
   */
  public double remainingEpsilon() {
    return intact && Double.isFinite(spentEpsilon)
        ? Math.max(0, budgetEpsilon - spentEpsilon)
        : Double.NaN;
  }

  /** The unit's name for a report: the name, or a note that the ledger declares none. */
  public String unitText() {
    return unit != null ? unit.name() : "not declared (ledger format 3 or older)";
  }

  /** One mechanism's share. */
  public record MechanismTotal(long entries, double epsilon) {}

  /**
   * Entry {@code index} as the auditor verified it.
   *
   * @param index the entry's sequence number, from 1
   * @param timeMillis when it was recorded, milliseconds since the epoch
   * @param mechanism the mechanism's public name
   * @param event the mechanism with its exact parameters, or null in a confidential entry (hidden)
   * @param delta the entry's additive δ (public in both modes)
   * @param epsilon the cumulative ε after this entry at the budget's δ, or NaN in a confidential
   *     entry (hidden)
   */
  public record Point(
      long index,
      long timeMillis,
      String mechanism,
      org.privspark.core.accounting.PrivacyEvent event,
      double delta,
      double epsilon) {}
}
