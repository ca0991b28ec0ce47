package org.privspark.core.accounting;

/**
 * Which accountant a {@link PrivacyBudget} (and a ledger, in its genesis) composes its events with.
 *
 * <ul>
 *   <li>{@link #RDP}: Rényi DP on an order grid, converted to (ε, δ) (Mironov 2017, "Rényi
 *       Differential Privacy", Prop. 3; the conversion of docs/ACCOUNTING.md). The default.
 *   <li>{@link #PLD}: pessimistic discretised privacy-loss distributions composed by FFT (Koskela,
 *       Jälkö and Honkela 2020; Doroshenko, Ghazi, Kamath, Kumar and Manurangsi 2022, "Connect the
 *       Dots"), read as ε(δ) of the whole composition: tighter than RDP for most compositions
 *       (DP-SGD above all), but defined only for the events with a PLD.
 * </ul>
 */
public enum Accountant {
  /** Rényi DP: the default, and the only accountant of confidential ledgers. */
  RDP("rdp"),
  /** Privacy-loss distributions. */
  PLD("pld");

  private final String id;

  Accountant(String id) {
    this.id = id;
  }

  /**
   * The accountant's id, as a ledger's genesis and the command line spell it.
   *
   * @return "rdp" or "pld"
   */
  public String id() {
    return id;
  }

  /**
   * The accountant whose {@link #id()} is {@code id}.
   *
   * @param id "rdp" or "pld" (case-sensitive)
   * @return the accountant
   * @throws IllegalArgumentException naming the allowed values, for any other text
   */
  public static Accountant parse(String id) {
    for (Accountant a : values()) {
      if (a.id.equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "accountant must be one of rdp, pld; got " + (id == null ? "null" : "'" + id + "'"));
  }
}
