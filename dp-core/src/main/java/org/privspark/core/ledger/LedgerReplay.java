package org.privspark.core.ledger;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.pld.PldTotal;
import org.privspark.core.accounting.pld.PrivacyLossDistribution;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.merkle.Rfc9162Hasher;

/**
 * The ledger's state rebuilt from its files in two steps: {@link #read} takes each leaf's bytes,
 * parses them and checks the chain of leaf hashes (the structure), and {@link #judge} then checks
 * every leaf read against everything before it (the content). The writer uses both to catch up
 * before appending ({@link #accept} for its own entry), the auditor to verify; both apply exactly
 * the same rules. Not thread-safe.
 *
 * <p><b>Structure before content.</b> Until a signed checkpoint covers a leaf, its content is
 * whatever the store says. So the content, and above all the one costly step of it, recomputing a
 * transparent entry's cost from its event (seconds for some events, even within the limits of
 * {@link LedgerEntry#decode(byte[], long, LedgerGenesis)}), waits in memory until the caller has
 * checked the signed checkpoints against {@link #tree()}: a storage attacker without the key cannot
 * make a reader compute anything before it finds the files are not the ones signed. The entries
 * wait as parsed (transparent) or as their bytes (confidential: their parsed commitments take four
 * times the bytes' memory), never read again. The writer goes further: a leaf no signed checkpoint
 * covers is judged only once its {@link Voucher} vouches for it (docs/LEDGER-FORMAT.md §8), so an
 * entry the attacker appended costs the writer nothing either.
 *
 * <p><b>Confidential ledgers.</b> An entry's cost is committed, not written. The writer replays
 * with a {@link CostSource} (its own cost openings, each checked against the commitments), so its
 * totals and budget checks are exact. The auditor replays without one: it checks the structure and
 * the public additive δ, and the budget is checked separately by a budget proof. In confidential
 * mode the budget check uses the RDP totals only, never the pure-ε total, because the budget proof
 * can only show an RDP bound at one order (docs/THREAT-MODEL.md).
 *
 * <p><b>PLD ledgers.</b> A ledger whose genesis names the PLD accountant (transparent only) keeps
 * each entry's recorded RDP cost as every ledger does, but its budget rule is the PLD composition
 * of every entry's event: the replay keeps that composition ({@link PldTotal}), one FFT composition
 * per entry, and {@link #spent()} reads it. The writer's budget check for a new event ({@link
 * #pldWith}) is remembered, so accepting the entry it then writes composes nothing again.
 *
 * <p><b>Legacy costs.</b> Ledgers of format versions 1 and 2 were written when costs were rounded
 * to nearest: their values are accepted within {@link LegacyCost}'s tolerance of today's, and the
 * totals add the values the ledger holds (docs/LEDGER-FORMAT.md §9.1).
 */
public final class LedgerReplay {
  /** How many distinct events' recomputed costs are kept (a ledger repeats a few queries often). */
  private static final int COST_CACHE_SIZE = 256;

  /** The counter of {@link #costsComputedDuring} on this thread, or null. */
  private static final ThreadLocal<long[]> COSTS_COMPUTED = new ThreadLocal<>();

  private final LedgerGenesis genesis;
  private final MerkleTree tree = new MerkleTree();
  // The leaves read and not yet judged, in leaf order. After a leaf that does not parse none is
  // kept: the content is judged up to that leaf at most.
  private final ArrayDeque<ReadLeaf> unjudged = new ArrayDeque<>();
  // The last leaf read that did not parse, or -1.
  private long lastUnparsedLeaf = -1;
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

  /** How many distinct events' PLDs are kept (they are far larger than an RDP cost). */
  private static final int PLD_CACHE_SIZE = 8;

  // The PLD of each recently seen event (PLD ledgers only); as for costs, a pure function of the
  // event and the fixed settings.
  private final Map<PrivacyEvent, PrivacyLossDistribution> pldOfEvent =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(
            Map.Entry<PrivacyEvent, PrivacyLossDistribution> eldest) {
          return size() > PLD_CACHE_SIZE;
        }
      };

  // The PLD composition of the entries accepted (PLD ledgers only).
  private PldTotal pldTotal = PldTotal.empty();

  // The last composition asked for by pldWith: the total it started from, the event, the result.
  private PldTotal pendingBase;
  private PrivacyEvent pendingEvent;
  private PldTotal pendingResult;

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

  /**
   * The writer's rule for a leaf that no checkpoint signed with the ledger's key may cover yet
   * (docs/LEDGER-FORMAT.md §8): the leaf is judged only once someone the writer trusts vouches for
   * it.
   */
  @FunctionalInterface
  public interface Voucher {
    /** No one vouches: the auditor's replay, which reports unsigned entries by its own rule. */
    Voucher NONE = (index, entry) -> {};

    /**
     * Returns if {@code entry} (leaf {@code index}, parsed but not judged) is vouched for.
     *
     * @throws LedgerException when no one vouches for it
     */
    void vouch(long index, LedgerEntry entry);
  }

  private final CostSource costSource;
  // The first fault in the content (see judge), or null.
  private LedgerException finding;

  /**
   * A leaf read and waiting to be judged: the entry parsed, or the bytes to parse again, or why it
   * does not parse.
   */
  private record ReadLeaf(long index, LedgerEntry entry, byte[] bytes, LedgerException fault) {
    LedgerEntry entry(LedgerGenesis genesis) {
      if (fault != null) {
        throw fault;
      }
      return entry != null ? entry : LedgerEntry.decode(bytes, index, genesis);
    }
  }

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
    this.total =
        costsKnown()
            ? FixedPointCost.zero(genesis.grid())
            : new FixedPointCost(new long[genesis.grid().size()], FixedPointCost.INFINITE, 0.0);
    this.lastTime = genesis.createdMillis();
  }

  /**
   * Test seam: runs {@code work} on this thread and returns how many entry costs replays computed
   * meanwhile (a transparent entry's cost recomputed from its event, a confidential entry's taken
   * from the {@link CostSource}). A test counts the content work a rejection did, not its time.
   */
  static long costsComputedDuring(Runnable work) {
    long[] outer = COSTS_COMPUTED.get();
    long[] counter = new long[1];
    COSTS_COMPUTED.set(counter);
    try {
      work.run();
    } finally {
      if (outer == null) {
        COSTS_COMPUTED.remove();
      } else {
        COSTS_COMPUTED.set(outer);
      }
    }
    return counter[0];
  }

  /** The counter of {@link #pldCompositionsDuring} on this thread, or null. */
  private static final ThreadLocal<long[]> PLD_COMPOSITIONS = new ThreadLocal<>();

  /**
   * Test seam: runs {@code work} on this thread and returns how many PLD compositions replays did
   * meanwhile (a PLD ledger's running total composed with one event's PLD): a test counts that one
   * spend is one composition.
   */
  static long pldCompositionsDuring(Runnable work) {
    long[] outer = PLD_COMPOSITIONS.get();
    long[] counter = new long[1];
    PLD_COMPOSITIONS.set(counter);
    try {
      work.run();
    } finally {
      if (outer == null) {
        PLD_COMPOSITIONS.remove();
      } else {
        PLD_COMPOSITIONS.set(outer);
      }
    }
    return counter[0];
  }

  private static void countCost() {
    long[] counter = COSTS_COMPUTED.get();
    if (counter != null) {
      counter[0]++;
    }
  }

  public LedgerGenesis genesis() {
    return genesis;
  }

  /** The index the next leaf read must have: the number of leaves read, ledger.json included. */
  public long nextIndex() {
    return tree.size();
  }

  /** The tree of every leaf read, whether or not its content is judged yet. */
  public MerkleTree tree() {
    return tree;
  }

  /** The total of the entries judged and accepted. */
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
    FixedPointCost c =
        genesis.confidential()
            ? new FixedPointCost(cost.rdp(), FixedPointCost.INFINITE, cost.delta())
            : cost;
    return c.guarantee(genesis.grid(), genesis.budgetDelta());
  }

  /** Whether a total stays within the budget (the RDP rule: RDP ledgers and confidential ones). */
  public boolean withinBudget(FixedPointCost cost) {
    return cost.delta() <= genesis.budgetDelta()
        && guarantee(cost).epsilon() <= genesis.budgetEpsilon();
  }

  /** The accountant whose rule admits this ledger's entries: the genesis's. */
  public Accountant accountant() {
    return genesis.accountant();
  }

  /**
   * What the entries accepted have spent, read at the ledger's δ under its accountant: {@link
   * #guarantee} of {@link #total()} for an RDP ledger, the PLD composition's ε(δ) for a PLD one.
   */
  public PrivacyGuarantee spent() {
    return genesis.accountant() == Accountant.PLD
        ? pldTotal.guarantee(genesis.budgetDelta())
        : guarantee(total);
  }

  /**
   * The PLD of {@code event} on a PLD ledger, remembered for recently seen events.
   *
   * @throws IllegalArgumentException naming the event kind and saying to use an RDP ledger, when
   *     the event has no PLD
   */
  public PrivacyLossDistribution pldOf(PrivacyEvent event) {
    PrivacyLossDistribution pld = pldOfEvent.get(event);
    if (pld == null) {
      countCost();
      pld = PldTotal.of(event);
      pldOfEvent.put(event, pld);
    }
    return pld;
  }

  /**
   * The PLD composition of the entries accepted plus {@code event} (a PLD ledger's budget check),
   * remembered: when the entry holding {@code event} is accepted next, on the same total, its
   * composition is this one.
   *
   * @throws IllegalArgumentException when the event has no PLD ({@link #pldOf})
   */
  public PldTotal pldWith(PrivacyEvent event) {
    if (pendingBase == pldTotal && event.equals(pendingEvent)) {
      return pendingResult;
    }
    PldTotal result = pldTotal.plus(event, pldOf(event));
    long[] counter = PLD_COMPOSITIONS.get();
    if (counter != null) {
      counter[0]++;
    }
    pendingBase = pldTotal;
    pendingEvent = event;
    pendingResult = result;
    return result;
  }

  /** Whether a PLD composition stays within the budget: ε(δ) &le; ε at the budget's δ. */
  public boolean withinBudget(PldTotal candidate) {
    return candidate.guarantee(genesis.budgetDelta()).epsilon() <= genesis.budgetEpsilon();
  }

  /**
   * The structural step for leaf {@link #nextIndex()}: parses it, checks its previous-leaf hash and
   * hashes it into {@link #tree()}; its content waits for {@link #judge}. Parsing is bounded by the
   * file's size and the limits of a recorded event; nothing here depends on the content's meaning.
   *
   * <p>A broken chain (the entry's previous-leaf hash is not the hash of the leaf before it) is
   * thrown at once, and the leaf is not added: it is a fact about the files, whoever wrote them. A
   * leaf that does not parse is hashed, and its fault waits for {@link #judge} like any content
   * fault: it is the holder's only if a signed checkpoint covers the leaf. Later leaves are then
   * only chained, where they parse, and hashed.
   *
   * @throws LedgerException when the chain breaks at this leaf
   */
  public void read(byte[] bytes) {
    long index = nextIndex();
    LedgerEntry entry;
    try {
      entry = LedgerEntry.decode(bytes, index, genesis);
    } catch (LedgerException e) {
      tree.append(Rfc9162Hasher.leafHash(bytes));
      if (lastUnparsedLeaf < 0) {
        unjudged.add(new ReadLeaf(index, null, null, e));
      }
      lastUnparsedLeaf = index;
      return;
    }
    checkChain(entry, index);
    tree.append(Rfc9162Hasher.leafHash(bytes));
    if (lastUnparsedLeaf < 0 && finding == null) {
      unjudged.add(
          entry.confidential()
              ? new ReadLeaf(index, null, bytes, null)
              : new ReadLeaf(index, entry, null, null));
    }
  }

  /**
   * The content step: checks every leaf read and not yet judged, in leaf order, against everything
   * before it (sequence number, origin, time, release id, mode, cost, budget; or why it does not
   * parse), applying each accepted entry to the totals and handing it to {@code accepted}. Stops at
   * the first fault, which stays the replay's {@link #finding()}: from then on nothing is judged.
   * Call it only once the structure is checked (see the class comment).
   *
   * @return the first fault in the content, or null
   */
  public LedgerException judge(Consumer<LedgerEntry> accepted) {
    return judge(Voucher.NONE, accepted);
  }

  /**
   * {@link #judge(Consumer)}, with each leaf first vouched for by {@code voucher}, before anything
   * about its content is checked: a leaf no one vouches for costs no work, and its refusal is the
   * replay's {@link #finding()}.
   */
  public LedgerException judge(Voucher voucher, Consumer<LedgerEntry> accepted) {
    while (finding == null && !unjudged.isEmpty()) {
      ReadLeaf leaf = unjudged.poll();
      try {
        LedgerEntry entry = leaf.entry(genesis);
        voucher.vouch(leaf.index(), entry);
        FixedPointCost newTotal = checkContent(entry, leaf.index());
        PldTotal newPld = checkPldBudget(entry, leaf.index());
        apply(entry, newTotal, newPld);
        accepted.accept(entry);
      } catch (LedgerException e) {
        finding = e;
      }
    }
    unjudged.clear();
    return finding;
  }

  /**
   * The writer's step for its own new entry: {@link #read} then {@link #judge}.
   *
   * @throws LedgerException naming the first rule the entry (or an earlier leaf) breaks
   */
  public LedgerEntry accept(byte[] bytes) {
    read(bytes);
    LedgerEntry[] last = new LedgerEntry[1];
    LedgerException fault = judge(e -> last[0] = e);
    if (fault != null) {
      throw fault;
    }
    return last[0];
  }

  /**
   * The first content fault {@link #judge} found, or null: the leaf it names, and every leaf read
   * after it, are in {@link #tree()}, but the totals stop before it.
   */
  public LedgerException finding() {
    return finding;
  }

  private void checkChain(LedgerEntry entry, long index) {
    if (!Arrays.equals(entry.previousLeafHash(), tree.leafHash(index - 1))) {
      // Either leaf may be the one changed: both are named (the one before as the holder's tools
      // know it), why the one before may not parse is not (its content is unverified).
      throw new LedgerException(
          index == 1 ? Reason.GENESIS_MISMATCH : Reason.CHAIN_BROKEN,
          index,
          "previous-leaf hash does not match leaf "
              + (index - 1)
              + ": "
              + (index == 1 ? "ledger.json" : "entry " + (index - 1))
              + " or this entry was changed"
              + (lastUnparsedLeaf == index - 1 ? " (the former does not parse)" : ""));
    }
  }

  /** The rules on an entry's content; returns the total with the entry added. */
  private FixedPointCost checkContent(LedgerEntry entry, long index) {
    if (entry.seq() != index) {
      throw new LedgerException(
          Reason.SEQUENCE_MISMATCH,
          index,
          "file " + LedgerEntry.path(index) + " holds entry " + entry.seq());
    }
    if (!entry.origin().equals(genesis.origin())) {
      throw new LedgerException(
          Reason.ORIGIN_MISMATCH,
          index,
          "origin '" + entry.origin() + "' is not the ledger's '" + genesis.origin() + "'");
    }
    if (entry.timeMillis() < lastTime) {
      throw new LedgerException(
          Reason.TIME_REVERSED, index, "its time is before the previous entry's");
    }
    if (hasReleaseId(entry.releaseId())) {
      throw new LedgerException(
          Reason.DUPLICATE_RELEASE_ID,
          index,
          "release id " + CanonicalJson.hex(entry.releaseId()) + " was used before");
    }
    if (genesis.declaresUnit()
        && (entry.unit() == null || !entry.unit().unit().equals(genesis.unit().name()))) {
      // Names only: the genesis's is verified by now (the chain to leaf 0), the entry's is public
      // but unverified, so it is not quoted.
      throw new LedgerException(
          Reason.UNIT_MISMATCH,
          index,
          entry.unit() == null
              ? "the entry claims no privacy unit, but the ledger protects '"
                  + genesis.unit().name()
                  + "'"
              : "the entry claims another privacy unit than the ledger's '"
                  + genesis.unit().name()
                  + "'");
    }
    if (!genesis.declaresUnit() && entry.unit() != null) {
      throw new LedgerException(
          Reason.UNIT_MISMATCH,
          index,
          "the entry claims a privacy unit, but the ledger"
              + " (format "
              + genesis.formatVersion()
              + ") declares none");
    }
    if (entry.confidential() != genesis.confidential()) {
      throw new LedgerException(
          Reason.MALFORMED,
          index,
          (entry.confidential() ? "a confidential" : "a transparent")
              + " entry in a "
              + genesis.mode()
              + " ledger");
    }
    return entry.confidential()
        ? acceptConfidential(entry, index)
        : acceptTransparent(entry, index);
  }

  private void apply(LedgerEntry entry, FixedPointCost newTotal, PldTotal newPld) {
    releaseIds.add(CanonicalJson.hex(entry.releaseId()));
    total = newTotal;
    if (newPld != null) {
      pldTotal = newPld;
    }
    lastTime = entry.timeMillis();
  }

  private FixedPointCost acceptConfidential(LedgerEntry entry, long index) {
    ConfidentialCost committed = entry.confidentialCost();
    if (committed.orders() != genesis.grid().size()) {
      throw new LedgerException(
          Reason.MALFORMED,
          index,
          "the entry has "
              + committed.orders()
              + " cost commitments; the ledger's grid has "
              + genesis.grid().size()
              + " orders");
    }
    FixedPointCost newTotal;
    if (costSource != null) {
      countCost();
      newTotal = total.plus(costSource.costOf(entry));
    } else {
      // The auditor: only the additive δ is public.
      newTotal =
          new FixedPointCost(
              total.rdp(),
              total.pureEpsilon(),
              Math.min(
                  1.0,
                  org.privspark.core.accounting.RdpCurve.addRoundingUp(
                      total.delta(), committed.delta())));
    }
    if (costsKnown() ? !withinBudget(newTotal) : newTotal.delta() > genesis.budgetDelta()) {
      throw new LedgerException(
          Reason.BUDGET_EXCEEDED,
          index,
          costsKnown()
              ? "the total exceeds the budget"
              : "the entries' additive delta exceeds the budget's delta");
    }
    return newTotal;
  }

  private FixedPointCost acceptTransparent(LedgerEntry entry, long index) {
    FixedPointCost cost;
    try {
      cost = recomputedCost(entry.event());
    } catch (IllegalArgumentException | ArithmeticException e) {
      // A computation that fails on a recorded event is a finding, never an escape.
      throw new LedgerException(
          Reason.COST_MISMATCH, index, "cost cannot be recomputed: " + e.getMessage());
    }
    if (!cost.equals(entry.cost())) {
      if (genesis.exactCosts()) {
        throw new LedgerException(
            Reason.COST_MISMATCH,
            index,
            "recorded cost differs from the cost of its mechanism recomputed on the ledger's grid");
      }
      // Written rounded to nearest: the recorded values stand, if they are near today's.
      if (!LegacyCost.accepts(entry.cost(), cost)) {
        throw new LedgerException(
            Reason.COST_MISMATCH,
            index,
            "recorded cost differs from the cost of its"
                + " mechanism recomputed on the ledger's grid by more than format version "
                + genesis.formatVersion()
                + " allows (docs/LEDGER-FORMAT.md §9.1)");
      }
    }
    FixedPointCost newTotal = total.plus(entry.cost());
    if (genesis.accountant() == Accountant.RDP && !withinBudget(newTotal)) {
      throw new LedgerException(Reason.BUDGET_EXCEEDED, index, "the total exceeds the budget");
    }
    return newTotal;
  }

  /**
   * A PLD ledger's budget rule for an entry whose other content is accepted: the PLD composition of
   * every entry's event up to this one within the budget. Null for an RDP ledger.
   */
  private PldTotal checkPldBudget(LedgerEntry entry, long index) {
    if (genesis.accountant() != Accountant.PLD) {
      return null;
    }
    PldTotal newPld;
    try {
      newPld = pldWith(entry.event());
    } catch (IllegalArgumentException | ArithmeticException e) {
      // No message of the computation: the event is the entry's, and this is a finding.
      throw new LedgerException(
          Reason.COST_MISMATCH,
          index,
          "the ledger's accountant (pld) cannot compose the entry's event (it has no privacy-loss"
              + " distribution, or its computation fails), so the budget rule cannot admit it");
    }
    if (!withinBudget(newPld)) {
      throw new LedgerException(
          Reason.BUDGET_EXCEEDED,
          index,
          "the total exceeds the budget (the PLD composition of the entries' events)");
    }
    return newPld;
  }

  /** {@link FixedPointCost#of} on the ledger's grid, remembered for recently seen events. */
  private FixedPointCost recomputedCost(PrivacyEvent event) {
    FixedPointCost cost = recomputed.get(event);
    if (cost == null) {
      countCost();
      cost = FixedPointCost.of(event, genesis.grid());
      recomputed.put(event, cost);
    }
    return cost;
  }
}
