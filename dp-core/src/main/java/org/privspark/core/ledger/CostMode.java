package org.privspark.core.ledger;

import java.security.SecureRandom;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.UnitClaim;

/**
 * What a ledger's writer does differently in each mode: how an entry carries its cost, in clear
 * ({@link LedgerGenesis#TRANSPARENT}) or in Pedersen commitments ({@link
 * LedgerGenesis#CONFIDENTIAL}), and where the writer learns the costs of entries it reads back.
 * {@link Ledger} chooses one, once, from the genesis, and delegates to it.
 */
interface CostMode {

  /**
   * Refuses to create a ledger in this mode with what the writer was given.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  void checkCanCreate();

  /**
   * Where the writer's replay learns each entry's cost; null when every entry shows its cost, which
   * the replay recomputes.
   */
  LedgerReplay.CostSource costSource();

  /**
   * Prepares the spend of {@code event}, whose cost on the ledger's grid is {@code cost}, once,
   * before the append's retry loop: every attempt then writes the same entry apart from its index
   * and time, so that an opening saved by a lost attempt still opens the entry that lands.
   */
  Spend prepare(byte[] releaseId, PrivacyEvent event, FixedPointCost cost, SecureRandom random);

  /** A spend {@link #prepare}d for the append's attempts. */
  @FunctionalInterface
  interface Spend {
    /**
     * The entry one attempt writes at leaf {@code index}. Whatever the mode keeps to open the
     * entry's cost is saved before this returns: an entry that lands can always be opened.
     */
    LedgerEntry entry(
        long index,
        long time,
        String origin,
        byte[] previousLeafHash,
        String mechanism,
        byte[][] commitments,
        UnitClaim unit);
  }
}
