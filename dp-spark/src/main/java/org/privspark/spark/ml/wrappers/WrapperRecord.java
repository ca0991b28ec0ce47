package org.privspark.spark.ml.wrappers;

import java.io.Serializable;

/**
 * What fitting a wrapper model cost and where it is recorded, saved with the model. Every field is
 * public: a parameter, a ledger coordinate, or the guarantee; nothing is computed from the data.
 *
 * @param mechanism the mechanism label charged (e.g. {@code ml-naive-bayes})
 * @param epsilon ε of the charged event at {@code delta} on the default order grid (the pure ε for
 *     a pure-DP wrapper); never above the requested ε
 * @param delta the δ of {@code epsilon} (0 for a pure-DP wrapper)
 * @param releaseId the release id the charge was recorded under, as lower-case hex
 * @param ledgerOrigin the ledger's origin, or null when the budget has no ledger
 * @param ledgerIndex the ledger entry's index (from 1), or 0 without a ledger
 * @param privacyUnit the unit name the fit claimed ({@code privacyUnit}), or null when none was
 *     claimed (a budget without a declared unit)
 * @param rowIsUnit whether the fit treated each row as one unit, on the caller's statement
 * @param maxRowsPerUnit k: the most rows of one unit the fit used (1 in row-level mode)
 */
public record WrapperRecord(
    String mechanism,
    double epsilon,
    double delta,
    String releaseId,
    String ledgerOrigin,
    long ledgerIndex,
    String privacyUnit,
    boolean rowIsUnit,
    int maxRowsPerUnit)
    implements Serializable {

  /**
   * Whether a ledger recorded the fit.
   *
   * @return true when the charge was recorded in a ledger
   */
  public boolean recorded() {
    return ledgerOrigin != null;
  }
}
