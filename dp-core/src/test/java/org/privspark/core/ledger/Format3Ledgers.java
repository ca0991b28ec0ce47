package org.privspark.core.ledger;

import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * Ledgers of format 3, which declare no privacy unit, as writers before format 4 created them: for
 * the tests that exercise such ledgers (and tests whose subject is not the unit). The public API
 * creates only ledgers that name their unit.
 */
public final class Format3Ledgers {
  private Format3Ledgers() {}

  /** A transparent ledger of format 3. */
  public static Ledger create(
      LedgerStore store,
      String origin,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      NoteSigner signer,
      OpeningStore openings) {
    return create(
        store,
        origin,
        LedgerGenesis.TRANSPARENT,
        budgetEpsilon,
        budgetDelta,
        grid,
        signer,
        openings);
  }

  /** A ledger of format 3 in {@code mode}. */
  public static Ledger create(
      LedgerStore store,
      String origin,
      String mode,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      NoteSigner signer,
      OpeningStore openings) {
    return Ledger.createWithoutUnit(
        store, origin, mode, budgetEpsilon, budgetDelta, grid, signer, openings);
  }
}
