package org.privspark.core.ledger;

import java.security.SecureRandom;
import org.privspark.core.accounting.PrivacyEvent;

/**
 * The transparent {@link CostMode}: each entry shows its event and its cost, which every reader
 * recomputes, so the writer keeps nothing beside the entry.
 */
final class TransparentMode implements CostMode {

  @Override
  public void checkCanCreate() {
    // Any opening store will do: a transparent entry's cost needs no opening.
  }

  @Override
  public LedgerReplay.CostSource costSource() {
    return null;
  }

  @Override
  public Spend prepare(
      byte[] releaseId, PrivacyEvent event, FixedPointCost cost, SecureRandom random) {
    return (index, time, origin, previous, mechanism, commitments, unit) ->
        new LedgerEntry(
            index, time, origin, previous, releaseId, mechanism, event, cost, commitments, unit);
  }
}
