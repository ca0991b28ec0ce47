package org.privspark.core.ledger;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Consumer;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;

/**
 * The confidential {@link CostMode}: each entry commits to its cost ({@link ConfidentialCost}), and
 * the writer saves the {@link CostOpening} (event and blindings) before the entry, in its opening
 * store. The writer learns the cost of every entry it reads back from that entry's cost opening,
 * checked against the commitments: a confidential ledger needs an opening store that keeps them.
 *
 * <p>Made by {@link Ledger} from the genesis; its state is guarded by the ledger's lock.
 */
final class ConfidentialMode implements CostMode {
  private final LedgerGenesis genesis;
  private final OpeningStore openings;
  private final Consumer<CostOpening> save;
  // The cost opening this writer saved last, with its cost: accepting its own entry then needs no
  // re-read and no recommitment.
  private CostOpening lastSaved;
  private FixedPointCost lastSavedCost;
  private ConfidentialCost lastSavedCommitted;

  /**
   * The mode of the confidential ledger {@code genesis}, whose writer keeps its cost openings in
   * {@code openings} and saves each new one with {@code save}.
   */
  ConfidentialMode(LedgerGenesis genesis, OpeningStore openings, Consumer<CostOpening> save) {
    this.genesis = Check.notNull("genesis", genesis);
    this.openings = Check.notNull("openings", openings);
    this.save = Check.notNull("save", save);
  }

  @Override
  public void checkCanCreate() {
    if (!openings.keeps()) {
      throw new IllegalArgumentException(
          "openings must keep the cost openings of a confidential ledger;"
              + " got OpeningStore.discarding()");
    }
  }

  @Override
  public LedgerReplay.CostSource costSource() {
    return this::knownCost;
  }

  @Override
  public Spend prepare(
      byte[] releaseId, PrivacyEvent event, FixedPointCost cost, SecureRandom random) {
    CostOpening costOpening = CostOpening.fresh(releaseId, event, genesis.grid(), random);
    ConfidentialCost committed = costOpening.commit(cost);
    return (index, time, origin, previous, mechanism, commitments, unit) -> {
      LedgerEntry entry =
          new LedgerEntry(
              index, time, origin, previous, releaseId, mechanism, committed, commitments, unit);
      save.accept(costOpening);
      lastSaved = costOpening;
      lastSavedCost = cost;
      lastSavedCommitted = committed;
      return entry;
    };
  }

  /**
   * The cost of a confidential entry, from the holder's own cost opening, checked against the
   * entry's commitments.
   */
  private FixedPointCost knownCost(LedgerEntry entry) {
    if (lastSaved != null
        && Arrays.equals(lastSaved.releaseId(), entry.releaseId())
        && lastSavedCommitted.equals(entry.confidentialCost())) {
      return lastSavedCost;
    }
    CostOpening opening =
        openings
            .loadCost(entry.releaseId())
            .orElseThrow(
                () ->
                    new LedgerException(
                        Reason.OPENING_MISMATCH,
                        entry.seq(),
                        "no cost opening is kept for confidential entry "
                            + entry.seq()
                            + " (release "
                            + CanonicalJson.hex(entry.releaseId())
                            + "): its cost, and so the budget, is unknown"));
    return opening.check(entry, genesis);
  }
}
