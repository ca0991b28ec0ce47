package org.privspark.core.accounting;

/**
 * The running total of a budget on an accountant that lives in a package depending on this one (the
 * PLD accountant, in {@code accounting.pld}, composes this package's events): immutable, so a
 * budget computes a candidate total outside its lock and installs it only if nothing was admitted
 * meanwhile. {@link PrivacyBudget#inMemory(double, double, OrderGrid, PrivacyUnit, Accountant)}
 * finds the implementation by its class name ({@link Provider}), which keeps the package table of
 * docs/ARCHITECTURE.md a layering. A class name, not a ServiceLoader resource, because a repackaged
 * jar can drop or clobber META-INF/services files but keeps classes.
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

  /** Makes the empty total of one accountant; {@link #PLD_PROVIDER} names the PLD one. */
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
    String name = accountant == Accountant.PLD ? PLD_PROVIDER : null;
    if (name != null) {
      try {
        Provider p =
            (Provider)
                Class.forName(name, true, Provider.class.getClassLoader())
                    .getDeclaredConstructor()
                    .newInstance();
        if (p.accountant() == accountant) {
          return p.empty();
        }
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IllegalStateException(
            "no running total for the " + accountant.id() + " accountant: " + name, e);
      }
    }
    throw new IllegalStateException("no running total for the " + accountant.id() + " accountant");
  }

  /** The provider of the PLD accountant's totals (in a package that depends on this one). */
  String PLD_PROVIDER = "org.privspark.core.accounting.pld.PldTotal$Provider";
}
