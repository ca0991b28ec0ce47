package org.privspark.core.accounting;

/**
 * A durable record of spends that enforces its own budget: what a {@link PrivacyBudget} delegates
 * to when it is backed by a ledger (dp-core's {@code org.privspark.core.ledger.Ledger}), so that
 * the budget is shared by every job and process that writes to the same ledger.
 */
public interface SpendJournal {

  /**
   * Records {@code event} durably if the budget allows it, and only then returns.
   *
   * @param claim the unit the release protects: must be the journal's {@link #unit()} when it has
   *     one; may be null only when it has none
   * @param mechanism a short name for the kind of release
   * @param description a description of the release, kept private (committed, not stored)
   * @param releaseId the id of the secret-keyed release being charged (16 bytes, from {@code
   *     Secret#releaseId()}), which the journal must refuse if it has recorded it before; or null
   *     for a release whose noise is not keyed by a caller's secret (the journal picks a fresh id)
   * @return what the spend is recorded as: {@code releaseId} itself, or, for a spend paid for in
   *     advance by an entry of its own (a report's queries), that entry's id (null when {@code
   *     releaseId} is null and the journal picked the id); and the entry, for a ledger
   * @throws BudgetExhaustedException when the event would overspend; nothing is recorded
   * @throws ReleaseIdReusedException when {@code releaseId} was recorded before; nothing is
   *     recorded
   * @throws UnitMismatchException when {@code claim} is not about the journal's unit; nothing is
   *     recorded
   */
  Charge record(
      PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId);

  /**
   * The privacy unit the journal protects, or empty when it declares none (a ledger of format 3 or
   * older).
   */
  java.util.Optional<PrivacyUnit> unit();

  /**
   * How the journal composes its spends to admit them: {@link Accountant#RDP} unless it says
   * otherwise (a ledger's genesis does).
   */
  default Accountant accountant() {
    return Accountant.RDP;
  }

  /**
   * What has been spent, read at the budget's δ under the journal's {@link #accountant()},
   * including other writers' spends seen so far.
   */
  PrivacyGuarantee spent();
}
