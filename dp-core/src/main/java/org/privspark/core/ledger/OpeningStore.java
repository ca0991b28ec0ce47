package org.privspark.core.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.privspark.core.Check;

/**
 * Where the data holder keeps the {@link Opening}s of its entries: a store the auditor does not see
 * (by default a directory beside the signing key). Openings are named by release id, and written
 * readable by their owner only ({@link LedgerStore#createSecretIfAbsent}: mode 0600, like the
 * signing key): they hold the salts and blindings that open the ledger's commitments.
 */
public final class OpeningStore {
  private final LedgerStore store;

  private OpeningStore(LedgerStore store) {
    this.store = store;
  }

  /** Openings kept in {@code store}. */
  public static OpeningStore in(LedgerStore store) {
    return new OpeningStore(Check.notNull("store", store));
  }

  /** No openings kept: entries can never be opened (their commitments still hide the details). */
  public static OpeningStore discarding() {
    return new OpeningStore(null);
  }

  void save(Opening opening) {
    if (store == null) {
      return;
    }
    try {
      store.createSecretIfAbsent(path(opening.releaseId()), opening.encode());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save an opening in " + store.location(), e);
    }
  }

  void save(CostOpening opening) {
    if (store == null) {
      return;
    }
    try {
      store.createSecretIfAbsent(costPath(opening.releaseId()), opening.encode());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save a cost opening in " + store.location(), e);
    }
  }

  /** Whether openings are kept at all ({@link #discarding()} keeps none). */
  public boolean keeps() {
    return store != null;
  }

  /** The cost opening of the confidential entry with this release id, if kept. */
  public Optional<CostOpening> loadCost(byte[] releaseId) {
    if (store == null) {
      return Optional.empty();
    }
    return Ledger.read(store, costPath(releaseId)).map(CostOpening::decode);
  }

  /** The opening of the entry with this release id, if kept. */
  public Optional<Opening> load(byte[] releaseId) {
    if (store == null) {
      return Optional.empty();
    }
    return Ledger.read(store, path(releaseId)).map(Opening::decode);
  }

  /**
   * Whether this store holds the opening of {@code entry} and it opens the entry's commitments (for
   * a confidential entry, with its cost opening kept too): every writer saves both before it
   * creates its entry, so the entry is then one that a writer sharing this store wrote.
   */
  boolean vouchesFor(LedgerEntry entry) {
    Optional<Opening> opening = load(entry.releaseId());
    return opening.isPresent()
        && opening.get().opens(entry)
        && (!entry.confidential() || loadCost(entry.releaseId()).isPresent());
  }

  private static String costPath(byte[] releaseId) {
    return "cost-openings/" + CanonicalJson.hex(releaseId) + ".json";
  }

  private static String path(byte[] releaseId) {
    return "openings/" + CanonicalJson.hex(releaseId) + ".json";
  }
}
