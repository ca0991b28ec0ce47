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
 * everything before it. The writer uses it to catch up before appending ({@link #accept}), the
 * auditor to verify ({@link #audit}); both apply exactly the same rules, the auditor deferring its
 * judgement of an entry's content until the signed checkpoints have vouched for the leaf. Not
 * thread-safe.
 *
 * <p><b>Confidential ledgers.</b> An entry's cost is committed, not written. The writer replays
 * with a {@link CostSource} (its own cost openings, each checked against the commitments), so its
 * totals and budget checks are exact. The auditor replays without one: it checks the structure and
 * the public additive δ, and the budget is checked separately by a budget proof. In confidential
 * mode the budget check uses the RDP totals only, never the pure-ε total, because the budget proof
 * can only show an RDP bound at one order (docs/THREAT-MODEL.md).
 *
 * <p><b>Legacy costs.</b> Ledgers of format versions 1 and 2 were written when costs were rounded
 * to nearest: their values are accepted within {@link LegacyCost}'s tolerance of today's, and the
 * totals add the values the ledger holds (docs/LEDGER-FORMAT.md §9.1).
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

  /** Where the writer of a confidential ledger gets each entry's plaintext cost. */
  @FunctionalInterface
  public interface CostSource {
    /**
     * The cost committed in {@code entry}, checked against its commitments.
     *
     * @throws LedgerException when the cost cannot be known or does not match
     */
    FixedPointCost costOf(LedgerEntry entry);
  }

  private final CostSource costSource;
  // The auditor's first fault in a leaf's content (see audit), or null.
  private LedgerException finding;

  /** A replay for a transparent ledger, or the auditor's replay of a confidential one. */
  public LedgerReplay(LedgerGenesis genesis, byte[] genesisBytes) {
    this(genesis, genesisBytes, null);
  }

  /**
   * A replay that learns each confidential entry's cost from {@code costSource} (the writer's);
   * null for the auditor, who learns only the public additive δ.
   */
  public LedgerReplay(LedgerGenesis genesis, byte[] genesisBytes, CostSource costSource) {
    this.genesis = genesis;
    this.costSource = costSource;
    this.tree.appendLeafData(genesisBytes);
    this.total = costsKnown() ? FixedPointCost.zero(genesis.grid())
        : new FixedPointCost(new long[genesis.grid().size()], FixedPointCost.INFINITE, 0.0);
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

  /**
   * Whether {@link #total()} holds the real RDP totals: always for transparent ledgers and for the
   * writer; for the auditor of a confidential ledger only the additive δ of the total is known.
   */
  public boolean costsKnown() {
    return !genesis.confidential() || costSource != null;
  }

  /**
   * What {@code cost} totals to, read at the ledger's δ. In a confidential ledger the pure-ε total
   * is ignored: only RDP can be proven in zero knowledge.
   */
  public PrivacyGuarantee guarantee(FixedPointCost cost) {
    FixedPointCost c = genesis.confidential()
        ? new FixedPointCost(cost.rdp(), FixedPointCost.INFINITE, cost.delta()) : cost;
    return c.guarantee(genesis.grid(), genesis.budgetDelta());
  }

  /** Whether a total stays within the budget. */
  public boolean withinBudget(FixedPointCost cost) {
    return cost.delta() <= genesis.budgetDelta() && guarantee(cost).epsilon() <= genesis.budgetEpsilon();
  }

  /**
   * Checks the entry file for leaf {@link #nextIndex()} and applies it: the writer's step, which
   * stops at the first broken rule.
   *
   * @throws LedgerException naming the first rule the entry breaks
   */
  public LedgerEntry accept(byte[] bytes) {
    long index = nextIndex();
    LedgerEntry entry = LedgerEntry.decode(bytes, index, genesis);
    checkChain(entry, index);
    FixedPointCost newTotal = checkContent(entry, index);
    apply(entry, bytes, newTotal);
    return entry;
  }

  /**
   * The auditor's step for leaf {@link #nextIndex()}: the same rules as {@link #accept}, in an order
   * that lets a storage attacker choose neither the reason nor the figures of a rejection.
   *
   * <p>The leaf is hashed into {@link #tree()} whatever its content, so the signed checkpoints can
   * be checked against every leaf on disk. Only a broken chain (the entry's previous-leaf hash is
   * not the hash of the leaf before it) is thrown at once: it is a fact about the files, whoever
   * wrote them. A fault in the entry's content (it does not parse, or breaks a rule on its sequence
   * number, origin, time, release id, mode, cost or the budget) is kept as {@link #finding()}
   * instead: it is the holder's fault only if a signed checkpoint covers the leaf, which the auditor
   * learns after the last leaf. From the first finding on, the content is no longer judged (the
   * totals are unknown): later leaves are only chained, where they parse, and hashed.
   *
   * @return the entry, accepted; or null when it (or an earlier leaf) has a finding
   * @throws LedgerException when the chain breaks at this leaf
   */
  public LedgerEntry audit(byte[] bytes) {
    long index = nextIndex();
    LedgerEntry entry;
    try {
      entry = LedgerEntry.decode(bytes, index, genesis);
    } catch (LedgerException e) {
      return record(e, bytes);
    }
    checkChain(entry, index);
    if (finding != null) {
      tree.append(Rfc9162Hasher.leafHash(bytes));
      return null;
    }
    FixedPointCost newTotal;
    try {
      newTotal = checkContent(entry, index);
    } catch (LedgerException e) {
      return record(e, bytes);
    }
    apply(entry, bytes, newTotal);
    return entry;
  }

  /**
   * The first content fault {@link #audit} found, or null: the leaf it names, and every leaf after
   * it, are in {@link #tree()}, but the totals stop before it.
   */
  public LedgerException finding() {
    return finding;
  }

  private LedgerEntry record(LedgerException e, byte[] bytes) {
    if (finding == null) {
      finding = e;
    }
    tree.append(Rfc9162Hasher.leafHash(bytes));
    return null;
  }

  private void checkChain(LedgerEntry entry, long index) {
    if (!Arrays.equals(entry.previousLeafHash(), tree.leafHash(index - 1))) {
      throw new LedgerException(index == 1 ? Reason.GENESIS_MISMATCH : Reason.CHAIN_BROKEN, index,
          "previous-leaf hash does not match leaf " + (index - 1));
    }
  }

  /** The rules on an entry's content; returns the total with the entry added. */
  private FixedPointCost checkContent(LedgerEntry entry, long index) {
    if (entry.seq() != index) {
      throw new LedgerException(Reason.SEQUENCE_MISMATCH, index,
          "file " + LedgerEntry.path(index) + " holds entry " + entry.seq());
    }
    if (!entry.origin().equals(genesis.origin())) {
      throw new LedgerException(Reason.ORIGIN_MISMATCH, index,
          "origin '" + entry.origin() + "' is not the ledger's '" + genesis.origin() + "'");
    }
    if (entry.timeMillis() < lastTime) {
      throw new LedgerException(Reason.TIME_REVERSED, index, "its time is before the previous entry's");
    }
    if (hasReleaseId(entry.releaseId())) {
      throw new LedgerException(Reason.DUPLICATE_RELEASE_ID, index,
          "release id " + CanonicalJson.hex(entry.releaseId()) + " was used before");
    }
    if (entry.confidential() != genesis.confidential()) {
      throw new LedgerException(Reason.MALFORMED, index, (entry.confidential() ? "a confidential" : "a transparent")
          + " entry in a " + genesis.mode() + " ledger");
    }
    return entry.confidential() ? acceptConfidential(entry, index) : acceptTransparent(entry, index);
  }

  private void apply(LedgerEntry entry, byte[] bytes, FixedPointCost newTotal) {
    tree.append(Rfc9162Hasher.leafHash(bytes));
    releaseIds.add(CanonicalJson.hex(entry.releaseId()));
    total = newTotal;
    lastTime = entry.timeMillis();
  }

  private FixedPointCost acceptConfidential(LedgerEntry entry, long index) {
    ConfidentialCost committed = entry.confidentialCost();
    if (committed.orders() != genesis.grid().size()) {
      throw new LedgerException(Reason.MALFORMED, index, "the entry has " + committed.orders()
          + " cost commitments; the ledger's grid has " + genesis.grid().size() + " orders");
    }
    FixedPointCost newTotal;
    if (costSource != null) {
      newTotal = total.plus(costSource.costOf(entry));
    } else {
      // The auditor: only the additive δ is public.
      newTotal = new FixedPointCost(total.rdp(), total.pureEpsilon(),
          Math.min(1.0, org.privspark.core.accounting.RdpCurve.addRoundingUp(total.delta(), committed.delta())));
    }
    if (costsKnown() ? !withinBudget(newTotal) : newTotal.delta() > genesis.budgetDelta()) {
      throw new LedgerException(Reason.BUDGET_EXCEEDED, index, costsKnown()
          ? "the total exceeds the budget" : "the entries' additive delta exceeds the budget's delta");
    }
    return newTotal;
  }

  private FixedPointCost acceptTransparent(LedgerEntry entry, long index) {
    FixedPointCost cost;
    try {
      cost = recomputedCost(entry.event());
    } catch (IllegalArgumentException e) {
      throw new LedgerException(Reason.COST_MISMATCH, index, "cost cannot be recomputed: " + e.getMessage());
    }
    if (!cost.equals(entry.cost())) {
      if (genesis.exactCosts()) {
        throw new LedgerException(Reason.COST_MISMATCH, index,
            "recorded cost differs from the cost of its mechanism recomputed on the ledger's grid");
      }
      // Written rounded to nearest: the recorded values stand, if they are near today's.
      if (!LegacyCost.accepts(entry.cost(), cost)) {
        throw new LedgerException(Reason.COST_MISMATCH, index, "recorded cost differs from the cost of its"
            + " mechanism recomputed on the ledger's grid by more than format version " + genesis.formatVersion()
            + " allows (docs/LEDGER-FORMAT.md §9.1)");
      }
    }
    FixedPointCost newTotal = total.plus(entry.cost());
    if (!withinBudget(newTotal)) {
      throw new LedgerException(Reason.BUDGET_EXCEEDED, index, "the total exceeds the budget");
    }
    return newTotal;
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
