package org.privspark.core.accounting;

import java.util.Optional;

/**
 * The {@link PrivacyBudget} backed by a {@link SpendJournal} (a ledger): every spend is the
 * journal's to record and to admit, so this object keeps no totals of its own.
 */
final class JournaledBudget implements PrivacyBudget {
  private final BudgetTerms terms;
  private final SpendJournal journal;

  JournaledBudget(BudgetTerms terms, SpendJournal journal) {
    this.terms = terms;
    this.journal = journal;
  }

  @Override
  public Accountant accountant() {
    return terms.accountant;
  }

  @Override
  public Optional<PrivacyUnit> unit() {
    return Optional.ofNullable(terms.unit);
  }

  @Override
  public double epsilon() {
    return terms.epsilon;
  }

  @Override
  public double delta() {
    return terms.delta;
  }

  @Override
  public OrderGrid grid() {
    return terms.grid;
  }

  @Override
  public boolean trySpend(PrivacyEvent event) {
    checkClaim(null);
    try {
      journal.record(event, null, "release", "", null);
      return true;
    } catch (BudgetExhaustedException e) {
      return false;
    }
  }

  @Override
  public Charge charge(
      PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
    byte[] id = terms.checkCharge(event, claim, mechanism, description, releaseId);
    return journal.record(event, claim, mechanism, description, id);
  }

  @Override
  public synchronized PrivacyGuarantee spent() {
    return journal.spent();
  }

  @Override
  public synchronized double remainingEpsilon() {
    return PrivacyBudget.super.remainingEpsilon();
  }

  @Override
  public synchronized String toString() {
    return terms.describe(spent());
  }
}
