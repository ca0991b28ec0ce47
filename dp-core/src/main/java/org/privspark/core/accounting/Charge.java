package org.privspark.core.accounting;

/**
 * What a charge was recorded as: the release id and, for a budget backed by a ledger, the entry
 * that records it. A model or a result can carry it, so that a reader finds its entry.
 *
 * @param releaseId the id the spend is recorded under (see {@link PrivacyBudget#charge}); null when
 *     the caller gave none and the budget picked none
 * @param ledgerOrigin the ledger's origin, or null when the budget has no ledger
 * @param ledgerIndex the entry's index in that ledger (from 1), or 0 when the budget has no ledger
 * @param unit the claim the release was charged with and, for a ledger, recorded; null when none
 *     was given, or when the ledger declares no unit and so recorded none
 */
public record Charge(byte[] releaseId, String ledgerOrigin, long ledgerIndex, UnitClaim unit) {
  public Charge {
    releaseId = releaseId == null ? null : releaseId.clone();
    if ((ledgerOrigin == null) != (ledgerIndex == 0) || ledgerIndex < 0) {
      throw new IllegalArgumentException(
          "ledgerIndex must be >= 1 with a ledgerOrigin and 0 without one;"
              + " got "
              + ledgerIndex);
    }
  }

  @Override
  public byte[] releaseId() {
    return releaseId == null ? null : releaseId.clone();
  }

  /** Whether a ledger recorded the charge. */
  public boolean recorded() {
    return ledgerOrigin != null;
  }
}
