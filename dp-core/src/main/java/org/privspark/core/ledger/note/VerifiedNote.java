package org.privspark.core.ledger.note;

import java.util.List;
import org.privspark.core.Check;

/**
 * A note whose text was verified by at least one known key: what {@link SignedNotes#open} returns.
 *
 * @param text the note text, including its final newline
 * @param signatures the signatures by known keys, all verified, at least one; one per key
 * @param unverifiedSignatures the signatures by unknown keys, which were not checked and prove
 *     nothing (they may belong to witnesses or rotated keys)
 */
public record VerifiedNote(
    String text, List<NoteSignature> signatures, List<NoteSignature> unverifiedSignatures) {
  /**
   * Copies the lists.
   *
   * @throws IllegalArgumentException if an argument is null or {@code signatures} is empty
   */
  public VerifiedNote {
    Check.notNull("text", text);
    signatures = List.copyOf(Check.notNull("signatures", signatures));
    unverifiedSignatures = List.copyOf(Check.notNull("unverifiedSignatures", unverifiedSignatures));
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("signatures must hold at least one verified signature");
    }
  }
}
