package org.privspark.core.accounting;

/**
 * What one release claims to protect: the privacy unit its guarantee is about, and how the release
 * knows a unit's rows. A budget with a declared unit admits only claims about that unit, and a
 * ledger records the claim in the entry (docs/LEDGER-FORMAT.md §5).
 *
 * <p>The caller names the unit; it is never copied from the budget, so that a release written for
 * one unit (say, a household) cannot be charged to a ledger about another (a person) unnoticed.
 *
 * @param unit the unit's name ({@link PrivacyUnit#name()})
 * @param rowIsUnit true when the release treats each row as one unit on the caller's statement that
 *     each row is one unit (row-level DP-SGD, for instance); false when it bounds every unit's
 *     contribution, each unit identified by a column
 */
public record UnitClaim(String unit, boolean rowIsUnit) {
  public UnitClaim {
    PrivacyUnit.checkName("unit", unit);
  }

  /** A release that bounds each unit's contribution, the unit's rows identified by a column. */
  public static UnitClaim perUnit(String unit) {
    return new UnitClaim(unit, false);
  }

  /**
   * A release that treats each row as one unit, on the caller's statement that each row is one
   * {@code unit}.
   */
  public static UnitClaim rowIsUnit(String unit) {
    return new UnitClaim(unit, true);
  }

  @Override
  public String toString() {
    return rowIsUnit ? unit + " (one row per " + unit + ", as stated by the caller)" : unit;
  }
}
