package org.privspark.core.accounting;

/**
 * Thrown, before anything is charged, when a release's {@link UnitClaim} is not about the privacy
 * unit its budget protects, or when a release on a budget with a declared unit claims none. Its
 * message holds only the two unit names, which are public (a ledger's genesis records its unit).
 */
public final class UnitMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UnitMismatchException(String message) {
    super(message);
  }

  /**
   * Refuses {@code claim} (null for none) where {@code unit} is protected: the one rule of every
   * budget, ledger and journal. A null {@code unit} (none declared) admits any claim.
   *
   * @throws UnitMismatchException when a unit is declared and the claim is none or another's
   */
  public static void check(PrivacyUnit unit, UnitClaim claim) {
    if (unit != null && (claim == null || !claim.unit().equals(unit.name()))) {
      throw of(unit, claim);
    }
  }

  private static UnitMismatchException of(PrivacyUnit unit, UnitClaim claim) {
    if (claim == null) {
      return new UnitMismatchException(
          "this budget protects the privacy unit '"
              + unit.name()
              + "': a release"
              + " must declare the unit its guarantee is about (for example privacyUnit = \""
              + unit.name()
              + "\" with a unit column, or rowIsUnit when each row is one "
              + unit.name()
              + "); nothing was charged");
    }
    return new UnitMismatchException(
        "the release protects the privacy unit '"
            + claim.unit()
            + "' but this budget"
            + " protects '"
            + unit.name()
            + "': costs about different units do not add up to one guarantee;"
            + " nothing was charged");
  }
}
