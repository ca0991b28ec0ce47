package org.privspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.Charge;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.SpendJournal;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LedgerStore;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.Receipt;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * A job's ledger, in two steps: {@link #prepare} checks everything (does the ledger exist, is the
 * key its key, do the budget options match) and writes nothing; {@link #openOrCreate} then opens
 * the ledger, or creates it (and a new key, if none exists) with the budget of {@code
 * --budget-epsilon}/{@code --budget-delta}. A job calls {@code prepare} with its other validation,
 * so that bad arguments never leave a new ledger or key file behind.
 *
 * <p>Key files are dp-core's {@link KeyFiles}, as the CLI writes them ({@code privspark ledger
 * init}): KEY holds the signer key ({@code PRIVATE+KEY+name+id+key}, mode 0600), KEY.pub the
 * verifier key, and the holder's openings live in KEY.openings unless {@code --openings} says
 * otherwise.
 */
final class JobLedger {
  private final LedgerStore store;
  private final NoteSigner signer;
  private final boolean exists;
  private final boolean writeKey;
  private final Path key;
  private final Path openings;
  private final double budgetEpsilon;
  private final double budgetDelta;
  private final OrderGrid grid;

  /** The unit of --unit: a new ledger's, or the existing ledger's (checked in {@link #prepare}). */
  private final PrivacyUnit unit;

  /** How the ledger admits spends: a new ledger's (--accountant), or the existing ledger's. */
  private final Accountant accountant;

  private JobLedger(
      LedgerStore store,
      NoteSigner signer,
      boolean exists,
      boolean writeKey,
      Path key,
      Path openings,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      PrivacyUnit unit,
      Accountant accountant) {
    this.store = store;
    this.signer = signer;
    this.exists = exists;
    this.writeKey = writeKey;
    this.key = key;
    this.openings = openings;
    this.budgetEpsilon = budgetEpsilon;
    this.budgetDelta = budgetDelta;
    this.grid = grid;
    this.unit = unit;
    this.accountant = accountant;
  }

  /**
   * Checks the ledger options against {@code store}; writes nothing.
   *
   * @throws IllegalArgumentException when the options do not fit the ledger (or its absence)
   */
  static JobLedger prepare(LedgerStore store, JobOptions.LedgerOptions o) {
    PrivacyUnit unit;
    try {
      unit = PrivacyUnit.of(PrivacyUnit.checkName("--unit", o.unit), o.unitDefinition);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage().startsWith("--unit")
              ? e.getMessage()
              : "--unit-definition: " + e.getMessage(),
          e);
    }
    Accountant chosen;
    try {
      chosen = o.accountant == null ? null : Accountant.parse(o.accountant);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
    Optional<byte[]> genesisBytes;
    try {
      genesisBytes = store.read(LedgerLayout.GENESIS);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + LedgerLayout.GENESIS + " in " + store.location(), e);
    }
    Path pub = KeyFiles.publicKeyPath(o.key);
    if (genesisBytes.isPresent()) {
      LedgerGenesis g = LedgerGenesis.decode(genesisBytes.get());
      if (!Files.exists(o.key)) {
        throw new IllegalArgumentException(
            "--key "
                + o.key
                + " does not exist; the ledger at "
                + store.location()
                + " exists and is written with its own key");
      }
      NoteSigner signer = readSigner(o.key);
      if (!signer.verifier().encode().equals(g.publicKey())) {
        throw new IllegalArgumentException(
            "--key "
                + o.key
                + " is not the key of the ledger at "
                + store.location()
                + " (ledger origin "
                + g.origin()
                + ", key name "
                + signer.name()
                + ")");
      }
      if (o.budgetEpsilon != null && o.budgetEpsilon != g.budgetEpsilon()) {
        throw new IllegalArgumentException(
            "--budget-epsilon must match the existing ledger's budget epsilon "
                + g.budgetEpsilon()
                + " (or be left out); got "
                + o.budgetEpsilon);
      }
      if (o.budgetDelta != null && o.budgetDelta != g.budgetDelta()) {
        throw new IllegalArgumentException(
            "--budget-delta must match the existing ledger's budget delta "
                + g.budgetDelta()
                + " (or be left out); got "
                + o.budgetDelta);
      }
      if (chosen != null && chosen != g.accountant()) {
        throw new IllegalArgumentException(
            "--accountant must match the existing ledger's accountant "
                + g.accountant().id()
                + " (or be left out); got "
                + chosen.id());
      }
      if (o.origin != null && !o.origin.equals(g.origin())) {
        throw new IllegalArgumentException(
            "--origin must match the existing ledger's origin "
                + g.origin()
                + " (or be left out); got "
                + o.origin);
      }
      if (g.declaresUnit() && !g.unit().name().equals(unit.name())) {
        // Before any data is read or anything charged: the ledger's budget protects another unit.
        throw new IllegalArgumentException(
            "--unit must be the privacy unit of the existing ledger, '"
                + g.unit().name()
                + "': its budget protects that unit only; got '"
                + unit.name()
                + "'");
      }
      return new JobLedger(
          store,
          signer,
          true,
          false,
          o.key,
          o.openingsDir(),
          g.budgetEpsilon(),
          g.budgetDelta(),
          g.grid(),
          g.declaresUnit() ? g.unit() : unit,
          g.accountant());
    }
    if (o.budgetEpsilon == null) {
      throw new IllegalArgumentException(
          "--budget-epsilon is required: there is no ledger at "
              + store.location()
              + " yet, and creating one needs a budget");
    }
    double epsilon = Check.positiveFinite("budgetEpsilon", o.budgetEpsilon);
    double delta =
        Check.inHalfOpen("budgetDelta", o.budgetDelta == null ? 0.0 : o.budgetDelta, 0.0, 1.0);
    NoteSigner signer;
    boolean writeKey;
    if (Files.exists(o.key)) {
      signer = readSigner(o.key);
      if (o.origin != null && !o.origin.equals(signer.name())) {
        throw new IllegalArgumentException(
            "--origin must equal the name of the key in "
                + o.key
                + " ("
                + signer.name()
                + ") or be left out; got "
                + o.origin);
      }
      writeKey = false;
    } else {
      if (Files.exists(pub)) {
        throw new IllegalArgumentException(
            "--key "
                + o.key
                + " does not exist but "
                + pub
                + " does; refusing to overwrite a key file");
      }
      // Also validates the name as a key name.
      signer =
          NoteSigner.generate(o.origin != null ? o.origin : "privspark.local/" + UUID.randomUUID());
      writeKey = true;
    }
    return new JobLedger(
        store,
        signer,
        false,
        writeKey,
        o.key,
        o.openingsDir(),
        epsilon,
        delta,
        OrderGrid.defaults(),
        unit,
        chosen == null ? Accountant.RDP : chosen);
  }

  /** Whether {@link #openOrCreate} will create the ledger. */
  boolean creates() {
    return !exists;
  }

  /** Whether {@link #openOrCreate} will also write a new key pair. */
  boolean writesKey() {
    return writeKey;
  }

  String location() {
    return store.location();
  }

  /**
   * A budget of the ledger's size, on its order grid, that no ledger records: for previewing a
   * job's cost ({@code plan()}) before the ledger is opened. Never spend from it.
   */
  PrivacyBudget previewBudget() {
    return PrivacyBudget.inMemory(budgetEpsilon, budgetDelta, grid, unit, accountant);
  }

  /** The privacy unit the job's releases claim (--unit). */
  String unitName() {
    return unit.name();
  }

  Path key() {
    return key;
  }

  /** Opens the ledger (replaying it) or creates it, writing the new key first if there is none. */
  Ledger openOrCreate() throws IOException {
    OpeningStore openingStore = OpeningStore.in(new LocalDirectoryStore(openings));
    if (exists) {
      return Ledger.open(store, signer, openingStore);
    }
    if (writeKey) {
      KeyFiles.write(key, signer);
    }
    return Ledger.create(
        store,
        signer.name(),
        LedgerGenesis.TRANSPARENT,
        accountant,
        budgetEpsilon,
        budgetDelta,
        grid,
        unit,
        signer,
        openingStore);
  }

  private static NoteSigner readSigner(Path key) {
    try {
      return KeyFiles.readSigner(key);
    } catch (IOException e) {
      throw new IllegalArgumentException("--key " + key + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * A budget backed by {@code ledger} whose spends are appended with these release details, and
   * whose receipts are kept: what {@code aggregate} charges its query to.
   */
  static final class ReceiptJournal implements SpendJournal {
    private final Ledger ledger;
    private final String parameters;
    private final String dataset;
    private Receipt receipt;
    private PrivacyEvent event;

    ReceiptJournal(Ledger ledger, String parameters, String dataset) {
      this.ledger = ledger;
      this.parameters = parameters;
      this.dataset = dataset;
    }

    PrivacyBudget budget() {
      LedgerGenesis g = ledger.genesis();
      return PrivacyBudget.journaled(g.budgetEpsilon(), g.budgetDelta(), g.grid(), this);
    }

    @Override
    public synchronized Charge record(
        PrivacyEvent e, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
      if (receipt != null) {
        throw new IllegalStateException(
            "this journal records one release; it has recorded entry " + receipt.index());
      }
      receipt =
          ledger.append(
              mechanism,
              e,
              new ReleaseDetails(description, parameters, dataset, ""),
              releaseId,
              claim);
      event = e;
      return new Charge(releaseId, ledger.genesis().origin(), receipt.index(), claim);
    }

    @Override
    public Optional<PrivacyUnit> unit() {
      return ledger.unit();
    }

    @Override
    public Accountant accountant() {
      return ledger.accountant();
    }

    @Override
    public PrivacyGuarantee spent() {
      return ledger.spent();
    }

    /** The receipt of the recorded release, or null before it. */
    synchronized Receipt receipt() {
      return receipt;
    }

    synchronized PrivacyEvent event() {
      return event;
    }
  }

  /**
   * A budget for queries whose cost was already appended to the ledger as one entry (a report's
   * composed event): each query's spend must be the next of the events paid for, and is then
   * admitted without another entry. Anything else is refused with IllegalStateException.
   */
  static final class PrepaidJournal implements SpendJournal {
    private final Ledger ledger;
    private final Deque<PrivacyEvent> paid;
    private final byte[] paidUnder;

    /**
     * @param paidUnder the release id of the entry that paid (the report secret's), or null when
     *     the report has no secret (its queries then draw fresh secrets of their own)
     */
    PrepaidJournal(Ledger ledger, List<PrivacyEvent> paid, byte[] paidUnder) {
      this.ledger = ledger;
      this.paid = new ArrayDeque<>(paid);
      this.paidUnder = paidUnder == null ? null : paidUnder.clone();
    }

    PrivacyBudget budget() {
      LedgerGenesis g = ledger.genesis();
      return PrivacyBudget.journaled(g.budgetEpsilon(), g.budgetDelta(), g.grid(), this);
    }

    /**
     * Admits the next paid-for event, recorded under the report entry's release id: a query keys
     * its noise by its own secret bound to that id, so its derived secret, reused on its own later
     * (and charged under its own id), never reproduces the query's noise.
     */
    @Override
    public synchronized Charge record(
        PrivacyEvent e, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
      PrivacyEvent next = paid.peekFirst();
      if (next == null || !next.equals(e)) {
        throw new IllegalStateException(
            "a spend that was not paid for: expected "
                + (next == null ? "no further spend" : next)
                + "; got "
                + e);
      }
      org.privspark.core.accounting.UnitMismatchException.check(ledger.unit().orElse(null), claim);
      paid.removeFirst();
      return new Charge(paidUnder == null ? releaseId : paidUnder, null, 0, claim);
    }

    @Override
    public Optional<PrivacyUnit> unit() {
      return ledger.unit();
    }

    @Override
    public Accountant accountant() {
      return ledger.accountant();
    }

    @Override
    public PrivacyGuarantee spent() {
      return ledger.spent();
    }
  }
}
