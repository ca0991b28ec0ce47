package org.privspark.core.accounting;

import java.util.Locale;

/**
 * Thrown when a release would push the privacy loss past its budget. Thrown before anything is
 * recorded or released: the refused event has spent nothing. Carries the budget, what was spent
 * before the refusal, what remains, and what the refused event would have brought ε to.
 */
public final class BudgetExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @serial the budget's ε
   */
  private final double budgetEpsilon;

  /**
   * @serial the budget's δ
   */
  private final double budgetDelta;

  /**
   * @serial ε spent before the refused event
   */
  private final double spentEpsilon;

  /**
   * @serial ε the budget would have reached with the refused event
   */
  private final double requestedEpsilon;

  /**
   * A refusal of a budget of (budgetEpsilon, budgetDelta) with {@code spentEpsilon} spent, where
   * the event would have brought ε to {@code requestedEpsilon}; {@code detail} is appended to the
   * message.
   *
   * @param budgetEpsilon the budget's ε
   * @param budgetDelta the budget's δ
   * @param spentEpsilon ε spent before the refused event
   * @param requestedEpsilon ε the budget would have reached with it
   * @param detail appended to the message; empty for none
   */
  public BudgetExhaustedException(
      double budgetEpsilon,
      double budgetDelta,
      double spentEpsilon,
      double requestedEpsilon,
      String detail) {
    super(
        String.format(
            Locale.ROOT,
            "privacy budget exhausted: the budget is (epsilon=%s, delta=%s); spent so far"
                + " epsilon=%.6g (remaining epsilon=%.6g); this event would bring epsilon to"
                + " %.6g%s",
            budgetEpsilon,
            budgetDelta,
            spentEpsilon,
            Math.max(0, budgetEpsilon - spentEpsilon),
            requestedEpsilon,
            detail));
    this.budgetEpsilon = budgetEpsilon;
    this.budgetDelta = budgetDelta;
    this.spentEpsilon = spentEpsilon;
    this.requestedEpsilon = requestedEpsilon;
  }

  /**
   * The budget's ε.
   *
   * @return the budget's ε
   */
  public double budgetEpsilon() {
    return budgetEpsilon;
  }

  /**
   * The budget's δ.
   *
   * @return the budget's δ
   */
  public double budgetDelta() {
    return budgetDelta;
  }

  /**
   * ε spent before the refused event, at the budget's δ.
   *
   * @return ε spent before the refused event
   */
  public double spentEpsilon() {
    return spentEpsilon;
  }

  /**
   * ε still available at the budget's δ.
   *
   * @return ε still available, &ge; 0
   */
  public double remainingEpsilon() {
    return Math.max(0, budgetEpsilon - spentEpsilon);
  }

  /**
   * The ε the budget would have reached with the refused event (+∞ if no order certifies it).
   *
   * @return ε with the refused event, or +∞
   */
  public double requestedEpsilon() {
    return requestedEpsilon;
  }
}
