package org.privspark.core.ledger;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.merkle.Rfc9162Hasher;

/**
 * The ledger's state rebuilt from its files, one leaf at a time, checking each entry against
 * everything before it. The writer uses it to catch up before appending, the auditor to verify;
 * both apply exactly the same rules. Not thread-safe.
 */
public final class LedgerReplay {
  /** How many distinct events' recomputed costs are kept (a ledger repeats a few queries often). */
  private static final int COST_CACHE_SIZE = 256;

  private final LedgerGenesis genesis;
  private final MerkleTree tree = new MerkleTree();
  private final Set<String> releaseIds = new HashSet<>();
  private FixedPointCost total;
  private long lastTime;
  // The cost recomputed for each recently seen event. FixedPointCost.of is a pure function of the
  // event's parameters and the grid, which is fixed per ledger; every event is a record, compared
  // by its exact parameters (doubles bit for bit), so a hit is the cost a recomputation would give.
  private final Map<PrivacyEvent, FixedPointCost> recomputed =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PrivacyEvent, FixedPointCost> eldest) {
          return size() > COST_CACHE_SIZE;
        }
      };

  public LedgerReplay(LedgerGenesis genesis, byte[] genesisBytes) {
    this.genesis = genesis;
    this.tree.appendLeafData(genesisBytes);
    this.total = FixedPointCost.zero(genesis.grid());
    this.lastTime = genesis.createdMillis();
  }

  public LedgerGenesis genesis() {
    return genesis;
  }

  /** The index the next entry must have. */
  public long nextIndex() {
    return tree.size();
  }

  public MerkleTree tree() {
    return tree;
  }

  public FixedPointCost total() {
    return total;
  }

  public long lastTime() {
    return lastTime;
  }

  boolean hasReleaseId(byte[] id) {
    return releaseIds.contains(CanonicalJson.hex(id));
  }

  /** What {@code cost} totals to, read at the ledger's δ. */
  public PrivacyGuarantee guarantee(FixedPointCost cost) {
    return cost.guarantee(genesis.grid(), genesis.budgetDelta());
  }

  /** Whether a total stays within the budget. */
  public boolean withinBudget(FixedPointCost cost) {
    return cost.delta() <= genesis.budgetDelta() && guarantee(cost).epsilon() <= genesis.budgetEpsilon();
  }

  /**
   * Checks the entry file for leaf {@link #nextIndex()} and applies it.
   *
   * @throws LedgerException naming the first rule the entry breaks
   */
  public LedgerEntry accept(byte[] bytes) {
    long index = nextIndex();
    LedgerEntry entry = LedgerEntry.decode(bytes, index);
    if (entry.seq() != index) {
      throw new LedgerException(Reason.SEQUENCE_MISMATCH, index,
          "file " + LedgerEntry.path(index) + " holds entry " + entry.seq());
    }
    if (!entry.origin().equals(genesis.origin())) {
      throw new LedgerException(Reason.ORIGIN_MISMATCH, index,
          "origin '" + entry.origin() + "' is not the ledger's '" + genesis.origin() + "'");
    }
    if (!Arrays.equals(entry.previousLeafHash(), tree.leafHash(index - 1))) {
      throw new LedgerException(index == 1 ? Reason.GENESIS_MISMATCH : Reason.CHAIN_BROKEN, index,
          "previous-leaf hash does not match leaf " + (index - 1));
    }
    if (entry.timeMillis() < lastTime) {
      throw new LedgerException(Reason.TIME_REVERSED, index,
          "time " + entry.timeMillis() + " is before the previous " + lastTime);
    }
    if (hasReleaseId(entry.releaseId())) {
      throw new LedgerException(Reason.DUPLICATE_RELEASE_ID, index,
          "release id " + CanonicalJson.hex(entry.releaseId()) + " was used before");
    }
    FixedPointCost cost;
    try {
      cost = recomputedCost(entry.event());
    } catch (IllegalArgumentException e) {
      throw new LedgerException(Reason.COST_MISMATCH, index, "cost cannot be recomputed: " + e.getMessage());
    }
    if (!cost.equals(entry.cost())) {
      throw new LedgerException(Reason.COST_MISMATCH, index,
          "recorded cost differs from the cost of its mechanism recomputed on the ledger's grid");
    }
    FixedPointCost newTotal = total.plus(entry.cost());
    if (!withinBudget(newTotal)) {
      throw new LedgerException(Reason.BUDGET_EXCEEDED, index, "the total reaches epsilon "
          + guarantee(newTotal).epsilon() + " (delta " + newTotal.delta() + ") against the budget ("
          + genesis.budgetEpsilon() + ", " + genesis.budgetDelta() + ")");
    }
    tree.append(Rfc9162Hasher.leafHash(bytes));
    releaseIds.add(CanonicalJson.hex(entry.releaseId()));
    total = newTotal;
    lastTime = entry.timeMillis();
    return entry;
  }

  /** {@link FixedPointCost#of} on the ledger's grid, remembered for recently seen events. */
  private FixedPointCost recomputedCost(PrivacyEvent event) {
    FixedPointCost cost = recomputed.get(event);
    if (cost == null) {
      cost = FixedPointCost.of(event, genesis.grid());
      recomputed.put(event, cost);
    }
    return cost;
  }
}
