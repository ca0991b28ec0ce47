package org.privspark.core.accounting;

import java.util.Locale;
import org.privspark.core.Check;

/**
 * What the {@link PrivacyBudget}s share: the budget (ε, δ), its accountant, order grid and declared
 * unit, validated once, and the checks a charge's arguments pass before any budget charges
 * anything.
 */
final class BudgetTerms {
  final double epsilon;
  final double delta;
  final OrderGrid grid;

  /** Whom the budget protects; null when undeclared (then claims are not checked). */
  final PrivacyUnit unit;

  /** How the budget composes its events. */
  final Accountant accountant;

  BudgetTerms(double epsilon, double delta, OrderGrid grid, PrivacyUnit unit) {
    this(epsilon, delta, grid, unit, Accountant.RDP);
  }

  BudgetTerms(
      double epsilon, double delta, OrderGrid grid, PrivacyUnit unit, Accountant accountant) {
    this.epsilon = Check.positiveFinite("epsilon", epsilon);
    this.delta = Check.inHalfOpen("delta", delta, 0.0, 1.0);
    this.grid = Check.notNull("grid", grid);
    this.unit = unit;
    this.accountant = Check.notNull("accountant", accountant);
    checkPldDelta(accountant, delta);
  }

  /**
   * A PLD budget reads ε(δ) with δ in (0, 1): its pessimistic PLD carries a positive error bound in
   * δ, so at δ = 0 it would refuse every event. Refused here, at creation, not at the first spend.
   */
  static void checkPldDelta(Accountant accountant, double delta) {
    if (accountant == Accountant.PLD && !(delta > 0)) {
      throw new IllegalArgumentException(
          "delta must be in (0, 1) for a PLD budget (the PLD accountant bounds δ with a positive"
              + " error term); got "
              + delta
              + ". Use an RDP budget for delta = 0");
    }
  }

  /**
   * The checks of {@link PrivacyBudget#charge} before anything is charged: the arguments, then the
   * claim.
   *
   * @return a copy of {@code releaseId}, or null
   */
  byte[] checkCharge(
      PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
    Check.notNull("event", event);
    Check.notNull("mechanism", mechanism);
    Check.notNull("description", description);
    if (releaseId != null && releaseId.length != PrivacyBudget.RELEASE_ID_LENGTH) {
      throw new IllegalArgumentException(
          "releaseId must be "
              + PrivacyBudget.RELEASE_ID_LENGTH
              + " bytes long; got "
              + releaseId.length);
    }
    UnitMismatchException.check(unit, claim);
    return releaseId == null ? null : releaseId.clone();
  }

  String describe(PrivacyGuarantee spent) {
    return String.format(
        Locale.ROOT,
        "PrivacyBudget[epsilon=%s, delta=%s, accountant=%s, spent epsilon=%.6g]",
        epsilon,
        delta,
        accountant.id(),
        spent.epsilon());
  }
}
