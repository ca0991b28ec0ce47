package org.privspark.core.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.ReleaseIdReusedException;
import org.privspark.core.accounting.SpendJournal;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.UnitMismatchException;
import org.privspark.core.accounting.pld.PldTotal;
import org.privspark.core.ledger.merkle.Rfc9162Hasher;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * The data holder's side of a privacy ledger: records each spend durably before its result is
 * released, refuses spends past the budget, and signs a checkpoint after each entry.
 *
 * <p><b>Append protocol</b> (docs/LEDGER-FORMAT.md): catch up on entries other writers added,
 * re-check the budget with them included, create entry n with put-if-absent (durable before it
 * returns), and retry from the top if another writer took n first. Then sign and store the
 * checkpoint of size n + 1 (re-derivable from the entries, so its name is not fsynced) and return a
 * {@link Receipt}. A refused spend writes nothing.
 *
 * <p>Thread-safe: appends from one process are serialised; appends from several processes are
 * ordered by the store's put-if-absent.
 */
public final class Ledger implements SpendJournal {
  private static final int MAX_ATTEMPTS = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final LedgerStore store;
  private final NoteSigner signer;
  private final OpeningStore openings;
  private final LongSupplier clock;
  // What the ledger's mode (transparent or confidential) does differently: chosen once, from the
  // genesis.
  private final CostMode mode;
  private final LedgerReplay state;
  // Who vouches for entries no signed checkpoint covers yet, before their content is judged.
  private final EntryVoucher voucher;

  private Ledger(
      LedgerStore store,
      NoteSigner signer,
      OpeningStore openings,
      LongSupplier clock,
      LedgerGenesis genesis,
      byte[] genesisBytes,
      CostMode mode) {
    this.store = store;
    this.signer = signer;
    this.openings = openings;
    this.clock = clock;
    this.mode = mode;
    this.state = new LedgerReplay(genesis, genesisBytes, mode.costSource());
    this.voucher = new EntryVoucher(store, signer.verifier(), openings, state);
  }

  /**
   * The mode of the ledger {@code genesis} describes, for a writer keeping its openings in {@code
   * openings}.
   */
  private static CostMode modeOf(LedgerGenesis genesis, OpeningStore openings) {
    return genesis.confidential()
        ? new ConfidentialMode(genesis, openings, openings::save)
        : new TransparentMode();
  }

  /**
   * Creates a new, empty transparent ledger in {@code store} that protects {@code unit}, and signs
   * its first checkpoint.
   *
   * @param origin the ledger's name, also its key's name (printable ASCII, no spaces or '+')
   * @param unit whom the budget protects: every entry must claim it
   * @param signer the checkpoint key; its name must equal {@code origin}
   * @throws IllegalArgumentException if a ledger already exists there, or an argument is invalid
   */
  public static Ledger create(
      LedgerStore store,
      String origin,
      double budgetEpsilon,
      double budgetDelta,
      org.privspark.core.accounting.OrderGrid grid,
      PrivacyUnit unit,
      NoteSigner signer,
      OpeningStore openings) {
    return create(
        store,
        origin,
        LedgerGenesis.TRANSPARENT,
        budgetEpsilon,
        budgetDelta,
        grid,
        Check.notNull("unit", unit),
        signer,
        openings);
  }

  /**
   * Creates a new, empty ledger in {@code mode} ({@link LedgerGenesis#TRANSPARENT} or {@link
   * LedgerGenesis#CONFIDENTIAL}) that protects {@code unit}. A confidential ledger needs a budget δ
   * &gt; 0 and an opening store that keeps openings: the writer learns the costs of entries written
   * by other processes from their cost openings.
   */
  public static Ledger create(
      LedgerStore store,
      String origin,
      String mode,
      double budgetEpsilon,
      double budgetDelta,
      org.privspark.core.accounting.OrderGrid grid,
      PrivacyUnit unit,
      NoteSigner signer,
      OpeningStore openings) {
    return create(
        store,
        origin,
        mode,
        Accountant.RDP,
        budgetEpsilon,
        budgetDelta,
        grid,
        unit,
        signer,
        openings);
  }

  /**
   * Creates a new, empty ledger in {@code mode} that protects {@code unit} and admits spends under
   * {@code accountant}, recorded in its genesis (docs/LEDGER-FORMAT.md §4.1). Under {@link
   * Accountant#PLD} a spend is admitted iff the PLD composition of every entry's event and the new
   * one gives ε(δ) &le; ε at the budget's δ; entries still record their RDP cost. The PLD
   * accountant needs {@link LedgerGenesis#TRANSPARENT} mode: a confidential ledger's budget proof
   * is an RDP bound.
   *
   * @throws IllegalArgumentException for a confidential PLD ledger (nothing is written), a ledger
   *     already there, or an invalid argument
   */
  public static Ledger create(
      LedgerStore store,
      String origin,
      String mode,
      Accountant accountant,
      double budgetEpsilon,
      double budgetDelta,
      org.privspark.core.accounting.OrderGrid grid,
      PrivacyUnit unit,
      NoteSigner signer,
      OpeningStore openings) {
    return createGenesis(
        store,
        origin,
        mode,
        Check.notNull("accountant", accountant),
        budgetEpsilon,
        budgetDelta,
        grid,
        Check.notNull("unit", unit),
        signer,
        openings);
  }

  /**
   * Creates a ledger of format 3, which declares no privacy unit: for tests of such ledgers only (a
   * new ledger must say whom it protects; docs/LEDGER-FORMAT.md §9).
   */
  static Ledger createWithoutUnit(
      LedgerStore store,
      String origin,
      String mode,
      double budgetEpsilon,
      double budgetDelta,
      org.privspark.core.accounting.OrderGrid grid,
      NoteSigner signer,
      OpeningStore openings) {
    return createGenesis(
        store,
        origin,
        mode,
        Accountant.RDP,
        budgetEpsilon,
        budgetDelta,
        grid,
        null,
        signer,
        openings);
  }

  /** {@code unit} null: format 3, no unit. */
  private static Ledger createGenesis(
      LedgerStore store,
      String origin,
      String mode,
      Accountant accountant,
      double budgetEpsilon,
      double budgetDelta,
      org.privspark.core.accounting.OrderGrid grid,
      PrivacyUnit unit,
      NoteSigner signer,
      OpeningStore openings) {
    Check.notNull("store", store);
    Check.notNull("signer", signer);
    Check.notNull("openings", openings);
    if (!signer.name().equals(origin)) {
      throw new IllegalArgumentException(
          "signer name must equal the origin '" + origin + "'; got '" + signer.name() + "'");
    }
    long now = System.currentTimeMillis();
    LedgerGenesis genesis =
        unit != null
            ? new LedgerGenesis(
                origin,
                now,
                mode,
                budgetEpsilon,
                budgetDelta,
                grid,
                signer.verifier().encode(),
                LedgerGenesis.CURRENT_VERSION,
                unit,
                accountant)
            : new LedgerGenesis(
                origin, now, mode, budgetEpsilon, budgetDelta, grid, signer.verifier().encode(), 3);
    CostMode costMode = modeOf(genesis, openings);
    costMode.checkCanCreate();
    byte[] bytes = genesis.encode();
    // ledger.json and the checkpoint that signs it are written together: a writer refuses to adopt
    // a ledger.json no checkpoint covers (open), so the two should not be parted by a crash.
    String first =
        SignedNotes.sign(Checkpoint.of(origin, 1, Rfc9162Hasher.leafHash(bytes)).format(), signer);
    try {
      if (!store.createIfAbsentWithCompanion(
          LedgerLayout.GENESIS,
          bytes,
          LedgerLayout.head(1),
          first.getBytes(StandardCharsets.UTF_8))) {
        throw new IllegalArgumentException("a ledger already exists at " + store.location());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the ledger at " + store.location(), e);
    }
    Ledger ledger =
        new Ledger(store, signer, openings, System::currentTimeMillis, genesis, bytes, costMode);
    ledger.signCheckpoint();
    return ledger;
  }

  /**
   * Opens an existing ledger for writing, replaying every entry (which restores the spent budget)
   * and checking the newest stored checkpoint against the entries it covers: first, before any
   * entry's content is judged, so that entries changed after they were signed cost no work. An
   * entry no checkpoint signed with the key covers is judged only once vouched for: by such a
   * checkpoint stored meanwhile, or by its opening in {@code openings} (docs/LEDGER-FORMAT.md §8).
   *
   * @throws LedgerException if the ledger is damaged (an entry changed after its checkpoint was
   *     signed included), or the key is not the ledger's; {@link Reason#UNSIGNED_ENTRIES} for an
   *     entry no one vouches for (nothing is signed then)
   */
  public static Ledger open(LedgerStore store, NoteSigner signer, OpeningStore openings) {
    return open(store, signer, openings, System::currentTimeMillis);
  }

  static Ledger open(
      LedgerStore store, NoteSigner signer, OpeningStore openings, LongSupplier clock) {
    Check.notNull("store", store);
    Check.notNull("signer", signer);
    Check.notNull("openings", openings);
    byte[] bytes =
        read(store, LedgerLayout.GENESIS)
            .orElseThrow(
                () ->
                    new LedgerException(
                        Reason.GENESIS_MISMATCH, 0, "no ledger.json at " + store.location()));
    LedgerGenesis genesis = LedgerGenesis.decode(bytes);
    if (!genesis.publicKey().equals(signer.verifier().encode())) {
      throw new LedgerException(Reason.UNKNOWN_KEY, 0, "the signing key is not the ledger's key");
    }
    Ledger ledger =
        new Ledger(store, signer, openings, clock, genesis, bytes, modeOf(genesis, openings));
    synchronized (ledger) {
      // The structure first: every entry read, parsed and chained, and the newest checkpoint
      // checked against them, before any entry's content (its cost above all) is judged. An entry
      // a storage attacker replaced is then refused before the writer computes anything for it,
      // and so is one it added after the newest checkpoint, unless the writer vouches for it.
      ledger.readNewEntries();
      ledger.checkNewestCheckpoint();
      ledger.judgeEntriesRead();
      // A crash may have lost the newest checkpoint's name (it is written without a directory
      // fsync); re-signing gives the same bytes.
      ledger.signCheckpoint();
    }
    return ledger;
  }

  /**
   * The newest stored checkpoint must be signed with this key and have the root of the entries it
   * covers (of the entries read: their content is judged after). Otherwise an entry changed after
   * it was signed would be chained to, and signed over by, the next append: the writer would
   * launder the damage for every auditor who did not keep the older checkpoint. Entries after it
   * are covered by no signature: each must be vouched for ({@link EntryVoucher}) before its content
   * is judged, or the writer would adopt entries a storage attacker added (docs/LEDGER-FORMAT.md
   * §8).
   */
  private void checkNewestCheckpoint() {
    long size;
    long newest;
    while (true) {
      size = state.nextIndex();
      try {
        newest =
            store.list(LedgerLayout.HEADS).stream()
                .mapToLong(LedgerLayout::headSize)
                .max()
                .orElse(-1);
      } catch (IOException e) {
        throw new LedgerException(
            Reason.IO_ERROR,
            -1,
            "cannot list " + LedgerLayout.HEADS + " in " + store.location() + ": " + e.getMessage(),
            e);
      }
      if (newest <= size) {
        break;
      }
      // Another writer may have appended (entry, then its checkpoint) since we read the entries.
      readNewEntries();
      if (state.nextIndex() == size) {
        break;
      }
    }
    if (newest < 1) {
      if (size == 1) {
        // Nothing vouches for ledger.json: no checkpoint signs it and no entry (vouched for by its
        // opening) chains to it. Adopting it would let anyone who can write the store set the
        // budget and the privacy unit (even a format without one) that this key then signs.
        throw new LedgerException(
            Reason.UNSIGNED_ENTRIES,
            0,
            "no signed checkpoint covers ledger.json and the ledger has no entry: nothing vouches"
                + " for its budget and privacy unit (a crash while it was created, or a changed"
                + " store); it holds no spend, so create it again in an empty directory");
      }
      return; // none yet (a crash right after ledger.json): every entry must be vouched for
    }
    if (newest > size) {
      throw new LedgerException(
          Reason.MISSING_ENTRY,
          size,
          "a checkpoint covers "
              + newest
              + " leaves but the ledger has "
              + size
              + ": entries were removed");
    }
    voucher.checkCheckpoint(newest);
  }

  /**
   * The entries' replayed state, for the holder's proofs in this package. Callers hold the lock.
   */
  LedgerReplay state() {
    return state;
  }

  /**
   * The store where this writer keeps its openings, for the holder's proofs (a confidential
   * ledger's budget proofs and spot checks open its cost openings).
   *
   * @return the opening store this writer was opened with
   */
  public OpeningStore openings() {
    return openings;
  }

  /**
   * The signed checkpoint of the entries seen (after catching up) and the state it covers, for the
   * holder's proofs about that checkpoint (budget proofs, spot-check openings). A caller that also
   * reads entries ({@link #entry}) holds this ledger's lock across the calls, so that no append
   * comes between.
   *
   * @param checkpoint the signed checkpoint note, as {@link #checkpoint()} returns it
   * @param genesis the ledger's genesis
   * @param size the checkpoint's tree size (entries + 1)
   * @param root the checkpoint's root hash
   * @param total the total cost of the entries (the holder's: exact in both modes)
   * @param spent what {@code total} converts to at the budget's δ, as {@link #spent()} reads it
   */
  public record Snapshot(
      String checkpoint,
      LedgerGenesis genesis,
      long size,
      byte[] root,
      FixedPointCost total,
      PrivacyGuarantee spent) {}

  /**
   * The state at the current checkpoint: see {@link Snapshot}.
   *
   * @return the checkpoint and the state it covers
   */
  public synchronized Snapshot snapshot() {
    String note = checkpoint();
    long size = state.nextIndex();
    return new Snapshot(
        note, state.genesis(), size, state.tree().root(size), state.total(), state.spent());
  }

  /**
   * Entry {@code seq} as the ledger's tree holds it: re-read from the store, and checked against
   * the leaf hash replayed.
   *
   * @param seq the entry's sequence number
   * @return the entry
   * @throws IllegalArgumentException if {@code seq} is not in [1, entries]
   * @throws LedgerException if the file vanished or changed since it was replayed
   */
  public synchronized LedgerEntry entry(long seq) {
    if (seq < 1 || seq >= state.nextIndex()) {
      throw new IllegalArgumentException(
          "seq must be in [1, " + (state.nextIndex() - 1) + "]; got " + seq);
    }
    byte[] bytes =
        read(store, LedgerEntry.path(seq))
            .orElseThrow(
                () ->
                    new LedgerException(
                        Reason.MISSING_ENTRY, seq, LedgerEntry.path(seq) + " vanished"));
    if (!Arrays.equals(Rfc9162Hasher.leafHash(bytes), state.tree().leafHash(seq))) {
      throw new LedgerException(
          Reason.ROOT_MISMATCH, seq, LedgerEntry.path(seq) + " changed since it was replayed");
    }
    return LedgerEntry.decode(bytes, seq);
  }

  /** The ledger's genesis: origin, budget, grid and key. */
  public LedgerGenesis genesis() {
    return state.genesis();
  }

  /**
   * A {@link PrivacyBudget} backed by this ledger: each spend is an entry, admitted under the
   * genesis's accountant.
   */
  public PrivacyBudget budget() {
    LedgerGenesis g = state.genesis();
    return PrivacyBudget.journaled(g.budgetEpsilon(), g.budgetDelta(), g.grid(), this);
  }

  /** The number of entries (excluding ledger.json). */
  public synchronized long entries() {
    return state.nextIndex() - 1;
  }

  @Override
  public synchronized PrivacyGuarantee spent() {
    catchUp();
    return state.spent();
  }

  /** The accountant the ledger's genesis names: its budget rule. */
  @Override
  public Accountant accountant() {
    return state.genesis().accountant();
  }

  @Override
  public java.util.Optional<PrivacyUnit> unit() {
    return java.util.Optional.ofNullable(state.genesis().unit());
  }

  @Override
  public Charge record(
      PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
    Receipt receipt =
        append(mechanism, event, ReleaseDetails.describing(description), releaseId, claim);
    // A ledger without a unit records no claim: the charge says so.
    return new Charge(
        releaseId,
        state.genesis().origin(),
        receipt.index(),
        state.genesis().declaresUnit() ? claim : null);
  }

  /**
   * Records a spend: durable before this returns, refused (nothing written) past the budget.
   *
   * @throws BudgetExhaustedException when the spend would exceed the budget
   * @throws LedgerException when the ledger on the store is damaged
   * @throws IllegalArgumentException for an invalid mechanism name, or an event beyond the limits
   *     of a recorded event: nested more than 100 levels deep, more than 10,000 event objects, or
   *     more than 1024 sampled-Gaussian values (sampled-Gaussian events times the grid's orders;
   *     nothing is written; docs/LEDGER-FORMAT.md §5.1); and, on a ledger whose genesis names the
   *     PLD accountant, an event without a privacy-loss distribution (the message names its kind
   *     and says to use an RDP ledger; nothing is written; §4.1)
   */
  public Receipt append(String mechanism, PrivacyEvent event, ReleaseDetails details) {
    return append(mechanism, event, details, null, null);
  }

  /**
   * Records a spend as {@link #append(String, PrivacyEvent, ReleaseDetails, byte[], UnitClaim)}
   * does, without a unit claim: only a ledger that declares no unit (format 3) accepts it.
   */
  public Receipt append(
      String mechanism, PrivacyEvent event, ReleaseDetails details, byte[] releaseId) {
    return append(mechanism, event, details, releaseId, null);
  }

  /**
   * Records a spend as {@link #append(String, PrivacyEvent, ReleaseDetails)} does, under the given
   * release id: the {@code Secret#releaseId()} of the secret that keys the release's noise. The
   * ledger holds each release id once, so a second release keyed by the same secret is refused,
   * whichever process writes it (the check runs after catching up, inside the put-if-absent loop).
   *
   * <p>A ledger that declares its privacy unit records {@code claim} in the entry, and refuses a
   * claim about another unit, or none; one that declares none (format 3) records no claim.
   *
   * @param releaseId {@value LedgerEntry#RELEASE_ID_LENGTH} bytes, or null for a fresh random id
   * @param claim the unit the release protects; may be null only on a ledger without a unit
   * @throws ReleaseIdReusedException if an entry already has {@code releaseId}; nothing is written
   * @throws UnitMismatchException if the ledger declares a unit and {@code claim} is not about it;
   *     nothing is written
   */
  public synchronized Receipt append(
      String mechanism,
      PrivacyEvent event,
      ReleaseDetails details,
      byte[] releaseId,
      UnitClaim claim) {
    LedgerEntry.checkMechanism(mechanism);
    PrivacyUnit unit = state.genesis().unit();
    UnitMismatchException.check(unit, claim);
    UnitClaim recorded = unit == null ? null : claim;
    Check.notNull("event", event);
    Check.notNull("details", details);
    if (releaseId != null && releaseId.length != LedgerEntry.RELEASE_ID_LENGTH) {
      throw new IllegalArgumentException(
          "releaseId must be "
              + LedgerEntry.RELEASE_ID_LENGTH
              + " bytes long; got "
              + releaseId.length);
    }
    // Before the cost, whose computation recurses: no entry beyond what a reader accepts.
    EventCodec.checkLimits(event, state.genesis().grid().size());
    FixedPointCost cost = FixedPointCost.of(event, state.genesis().grid());
    boolean pld = state.genesis().accountant() == Accountant.PLD;
    if (pld) {
      // An event without a PLD is refused here, before anything is written.
      state.pldOf(event);
    }
    byte[] id = releaseId != null ? releaseId.clone() : randomReleaseId();
    if (releaseId != null && (openings.load(id).isPresent() || openings.loadCost(id).isPresent())) {
      // An attempt with this id that never landed (a crash between the opening and the entry):
      // refused like a landed one, since its result may be anywhere the attempt reached.
      throw new ReleaseIdReusedException(
          id, "the openings of the ledger " + state.genesis().origin());
    }
    // Made once, outside the retry loop: every attempt writes the same entry apart from its index
    // and time, so an opening saved by a lost attempt still opens the entry that lands.
    Opening opening = Opening.fresh(id, details, RANDOM);
    CostMode.Spend spend = mode.prepare(id, event, cost, RANDOM);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      catchUp();
      if (state.hasReleaseId(id)) {
        throw new ReleaseIdReusedException(id, "the ledger " + state.genesis().origin());
      }
      FixedPointCost newTotal = state.total().plus(cost);
      if (pld) {
        // One composition per attempt, remembered by the replay for accepting the entry.
        PldTotal candidate = state.pldWith(event);
        if (!state.withinBudget(candidate)) {
          throw pldRefusal(candidate);
        }
      } else if (!state.withinBudget(newTotal)) {
        throw refusal(newTotal);
      }
      long index = state.nextIndex();
      long time = Math.max(clock.getAsLong(), state.lastTime());
      byte[] previous = state.tree().leafHash(index - 1);
      LedgerEntry entry =
          spend.entry(
              index,
              time,
              state.genesis().origin(),
              previous,
              mechanism,
              opening.commitments(),
              recorded);
      byte[] bytes = entry.encode();
      // The openings are saved first: an entry that lands can then always be opened.
      openings.save(opening);
      // The checkpoint that will cover the entry is signed first, so that the store can make the
      // entry and its checkpoint durable with one barrier.
      String checkpoint =
          sign(index + 1, state.tree().rootWithAppended(Rfc9162Hasher.leafHash(bytes)));
      if (createWithCheckpoint(LedgerEntry.path(index), bytes, index + 1, checkpoint)) {
        state.accept(bytes);
        voucher.signed(index + 1);
        return receipt(index, checkpoint);
      }
      // Another writer took this index: catch up and re-check the budget.
    }
    throw new IllegalStateException(
        "could not append after " + MAX_ATTEMPTS + " attempts: too much contention");
  }

  private static byte[] randomReleaseId() {
    byte[] id = new byte[LedgerEntry.RELEASE_ID_LENGTH];
    RANDOM.nextBytes(id);
    return id;
  }

  /** The latest checkpoint for the entries seen, signing one if it is missing. */
  public synchronized String checkpoint() {
    catchUp();
    return signCheckpoint();
  }

  /** A receipt for entry {@code index} against the current checkpoint. */
  public synchronized Receipt receipt(long index) {
    catchUp();
    if (index < 1 || index >= state.nextIndex()) {
      throw new IllegalArgumentException(
          "index must be in [1, " + (state.nextIndex() - 1) + "]; got " + index);
    }
    return receipt(index, signCheckpoint());
  }

  private Receipt receipt(long index, String checkpoint) {
    long size = state.nextIndex();
    return new Receipt(
        index, state.tree().leafHash(index), state.tree().inclusionProof(index, size), checkpoint);
  }

  /**
   * Signs the checkpoint of the current size and stores it if no one has; returns the stored one.
   *
   * <p>The checkpoint is stored with {@link LedgerStore#createRederivableIfAbsent}: its name need
   * not survive a crash, because it is derived from the entries, which are durable, and signing is
   * deterministic (Ed25519, RFC 8032), so re-signing after a crash, at the next open, append,
   * {@link #checkpoint()} or {@link #receipt(long)}, stores the very note a receipt may already
   * hold. Until then an auditor finds the newest entry unsigned, never a wrong or partial
   * checkpoint.
   */
  private String signCheckpoint() {
    long size = state.nextIndex();
    String note = sign(size, state.tree().root(size));
    String path = LedgerLayout.head(size);
    try {
      store.createRederivableIfAbsent(path, note.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + " in " + store.location(), e);
    }
    voucher.signed(size);
    return read(store, path).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(note);
  }

  /**
   * Reads, parses and chains the entries other writers added; their content waits ({@link
   * LedgerReplay#read}).
   */
  private void readNewEntries() {
    while (true) {
      Optional<byte[]> next = read(store, LedgerEntry.path(state.nextIndex()));
      if (next.isEmpty()) {
        return;
      }
      state.read(next.get());
    }
  }

  /**
   * Judges the content of the entries read; the first fault is thrown (again on every later call).
   */
  private void judgeEntriesRead() {
    LedgerException fault = state.judge(voucher, e -> {});
    if (fault != null) {
      throw fault;
    }
  }

  private void catchUp() {
    readNewEntries();
    judgeEntriesRead();
  }

  private BudgetExhaustedException refusal(FixedPointCost newTotal) {
    LedgerGenesis g = state.genesis();
    double spent = state.guarantee(state.total()).epsilon();
    double requested = state.guarantee(newTotal).epsilon();
    String detail =
        newTotal.delta() > g.budgetDelta() ? " and its additive delta to " + newTotal.delta() : "";
    return new BudgetExhaustedException(
        g.budgetEpsilon(), g.budgetDelta(), spent, requested, detail);
  }

  private BudgetExhaustedException pldRefusal(PldTotal candidate) {
    LedgerGenesis g = state.genesis();
    return new BudgetExhaustedException(
        g.budgetEpsilon(),
        g.budgetDelta(),
        state.spent().epsilon(),
        candidate.guarantee(g.budgetDelta()).epsilon(),
        " (PLD accountant)");
  }

  private String sign(long size, byte[] root) {
    return SignedNotes.sign(Checkpoint.of(state.genesis().origin(), size, root).format(), signer);
  }

  private boolean createWithCheckpoint(String path, byte[] bytes, long size, String checkpoint) {
    try {
      return store.createIfAbsentWithCompanion(
          path, bytes, LedgerLayout.head(size), checkpoint.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + " in " + store.location(), e);
    }
  }

  static Optional<byte[]> read(LedgerStore store, String path) {
    try {
      return store.read(path);
    } catch (IOException e) {
      throw new LedgerException(
          Reason.IO_ERROR,
          -1,
          "cannot read " + path + " in " + store.location() + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public String toString() {
    return "Ledger[" + store.location() + ", origin=" + state.genesis().origin() + "]";
  }
}
