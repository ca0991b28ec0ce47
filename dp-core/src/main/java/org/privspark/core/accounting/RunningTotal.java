package org.privspark.core.accounting;

import java.util.ServiceLoader;

/**
 * The running total of a budget on an accountant that lives in a package depending on this one (the
 * PLD accountant, in {@code accounting.pld}, composes this package's events): immutable, so a
 * budget computes a candidate total outside its lock and installs it only if nothing was admitted
 * meanwhile. {@link PrivacyBudget#inMemory(double, double, OrderGrid, PrivacyUnit, Accountant)}
 * finds the implementation through {@link ServiceLoader} ({@link Provider}), which keeps the
 * package table of docs/ARCHITECTURE.md a layering.
 */
public interface RunningTotal {

  /**
   * This total with {@code event} composed in; this one is unchanged.
   *
   * @throws IllegalArgumentException naming the event kind and saying to use an RDP ledger, when
   *     the accountant cannot compose the event; nothing is charged
   */
  RunningTotal plus(PrivacyEvent event);

  /**
   * The guarantee of everything composed, read at {@code delta}, ε rounded up (0 when nothing was
   * composed; +∞ when no finite ε holds at that δ).
   */
  PrivacyGuarantee guarantee(double delta);

  /** Makes the empty total of one accountant; registered in META-INF/services. */
  interface Provider {
    /** The accountant whose totals this makes. */
    Accountant accountant();

    /** Nothing composed. */
    RunningTotal empty();
  }

  /**
   * The empty total of {@code accountant}.
   *
   * @throws IllegalStateException when no provider of it is on the class path
   */
  static RunningTotal empty(Accountant accountant) {
    for (Provider p : ServiceLoader.load(Provider.class, Provider.class.getClassLoader())) {
      if (p.accountant() == accountant) {
        return p.empty();
      }
    }
    throw new IllegalStateException(
        "no running total for the "
            + accountant.id()
            + " accountant on the class path (dp-core's META-INF/services lost in repackaging?)");
  }
}
