package org.privspark.core.accounting;

/**
 * Thrown when a release would push the privacy loss past its budget. Thrown before anything is
 * recorded or released: the refused event has spent nothing.
 */
public final class BudgetExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BudgetExhaustedException(String message) {
    super(message);
  }
}
