package org.privspark.core.ledger;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteVerificationException;
import org.privspark.core.ledger.note.NoteVerifier;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * The writer's {@link LedgerReplay.Voucher} (docs/LEDGER-FORMAT.md §8). An entry is judged only if
 * a checkpoint signed with the ledger's key covers it and has the root of the leaves read, or this
 * writer's {@link OpeningStore} holds the entry's opening and it opens the entry's commitments
 * (every writer saves its openings before it creates its entry). A storage attacker has neither the
 * key nor the openings: the writer computes nothing for, and signs nothing over, an entry it added.
 */
final class EntryVoucher implements LedgerReplay.Voucher {
  // Another writer links its checkpoint just after its entry: wait for it briefly, 775 ms in all.
  private static final long[] WAITS_MILLIS = {25, 50, 100, 200, 400};

  private final LedgerStore store;
  private final NoteVerifier verifier;
  private final OpeningStore openings;
  private final LedgerReplay state;
  // The leaves below this size are covered by a checkpoint signed with the ledger's key, checked
  // against the leaves read. 1: ledger.json alone, which no entry needs.
  private long signedSize = 1;

  EntryVoucher(
      LedgerStore store, NoteVerifier verifier, OpeningStore openings, LedgerReplay state) {
    this.store = store;
    this.verifier = verifier;
    this.openings = openings;
    this.state = state;
  }

  /**
   * Records that a checkpoint of {@code size}, signed with the ledger's key, covers the leaves
   * read.
   */
  void signed(long size) {
    signedSize = Math.max(signedSize, size);
  }

  @Override
  public void vouch(long index, LedgerEntry entry) {
    if (index < signedSize || coveredByCheckpoint(index) || openings.vouchesFor(entry)) {
      return;
    }
    for (long wait : WAITS_MILLIS) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (coveredByCheckpoint(index)) {
        return;
      }
    }
    throw new LedgerException(
        Reason.UNSIGNED_ENTRIES,
        index,
        "no checkpoint signed with the ledger's key covers this entry and this writer holds no"
            + " opening of it: it was written by someone without the key, or by a writer whose"
            + " openings this writer does not hold. Nothing is judged or signed over it; `privspark"
            + " ledger repair` quarantines such trailing entries");
  }

  /**
   * Checks the checkpoint of {@code size} against the leaves read, and records it as {@link
   * #signed}.
   *
   * @throws LedgerException when it is not signed with the ledger's key, or has another root
   */
  void checkCheckpoint(long size) {
    String path = LedgerLayout.head(size);
    byte[] note =
        Ledger.read(store, path)
            .orElseThrow(
                () ->
                    new LedgerException(
                        Reason.MISSING_ENTRY, -1, path + " vanished while opening"));
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.parse(SignedNotes.open(note, List.of(verifier)).text());
    } catch (NoteVerificationException | IllegalArgumentException e) {
      throw new LedgerException(
          Reason.BAD_SIGNATURE,
          -1,
          path + " is not a checkpoint signed with the ledger's key: " + e.getMessage());
    }
    checkRoot(size, checkpoint);
    signed(size);
  }

  /**
   * Whether a checkpoint signed with the ledger's key covers leaf {@code index} among the leaves
   * read; the largest such is recorded. A checkpoint not signed with the key vouches for nothing.
   */
  private boolean coveredByCheckpoint(long index) {
    List<Long> sizes;
    try {
      sizes =
          store.list(LedgerLayout.HEADS).stream()
              .map(LedgerLayout::headSize)
              .filter(s -> s > index && s <= state.nextIndex())
              .sorted(Comparator.reverseOrder())
              .toList();
    } catch (IOException e) {
      throw new LedgerException(
          Reason.IO_ERROR,
          -1,
          "cannot list " + LedgerLayout.HEADS + " in " + store.location() + ": " + e.getMessage(),
          e);
    }
    for (long size : sizes) {
      Optional<Checkpoint> checkpoint =
          Ledger.read(store, LedgerLayout.head(size)).flatMap(n -> checkpointSignedBy(n, verifier));
      if (checkpoint.isPresent()) {
        checkRoot(size, checkpoint.get());
        signed(size);
        return true;
      }
    }
    return false;
  }

  private void checkRoot(long size, Checkpoint checkpoint) {
    // Otherwise an entry changed after it was signed would be signed over again by this writer.
    if (checkpoint.size() != size
        || !checkpoint.origin().equals(state.genesis().origin())
        || !Arrays.equals(checkpoint.rootHash(), state.tree().root(size))) {
      throw new LedgerException(
          Reason.ROOT_MISMATCH,
          -1,
          LedgerLayout.head(size)
              + " does not match the entries it covers: an entry changed after it was signed");
    }
  }

  /**
   * The checkpoint {@code note} holds if it is signed by {@code verifier}'s key; empty otherwise.
   */
  static Optional<Checkpoint> checkpointSignedBy(byte[] note, NoteVerifier verifier) {
    try {
      return Optional.of(Checkpoint.parse(SignedNotes.open(note, List.of(verifier)).text()));
    } catch (NoteVerificationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
