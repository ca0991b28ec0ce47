package org.privspark.core.audit;

import org.privspark.core.ledger.Reason;

/**
 * What the auditor of a confidential ledger learns from a budget proof or a spot check: whether it
 * holds, and if not the first failure. It carries no per-entry cost and no total.
 *
 * @param ok whether the ledger is intact and the proof (or spot check) verifies
 * @param reason the first failure's code, or null
 * @param failedIndex the failing entry (0: the budget-slack proof or ledger.json), or −1
 * @param message a sentence about the outcome
 * @param structure the structural verification of the ledger
 * @param entries the entries the proof or the spot check covers (the checkpoint's, not the newest)
 * @param order α* of a budget proof, or NaN for a spot check
 * @param checkpointSize the checkpoint the proof or spot check is bound to
 * @param opened the entries a spot check opened (empty for a budget proof)
 */
public record BudgetReport(
    boolean ok,
    Reason reason,
    long failedIndex,
    String message,
    AuditReport structure,
    long entries,
    double order,
    long checkpointSize,
    long[] opened) {
  public BudgetReport {
    opened = opened.clone();
  }

  @Override
  public long[] opened() {
    return opened.clone();
  }
}
