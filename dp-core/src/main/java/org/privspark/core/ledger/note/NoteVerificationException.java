package org.privspark.core.ledger.note;

import java.security.GeneralSecurityException;

/**
 * Thrown when a signed note cannot be trusted. It is checked, so that a failed verification cannot
 * be ignored by accident; {@link #reason()} says why.
 */
public final class NoteVerificationException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Why the note was rejected. */
  public enum Reason {
    /** The note breaks the signed-note format (encoding, layout, signature line, base64). */
    MALFORMED_NOTE,
    /** The note has more than {@value SignedNotes#MAX_SIGNATURES} signature lines. */
    TOO_MANY_SIGNATURES,
    /** A signature by a known key (name and key ID match) does not verify. */
    INVALID_SIGNATURE,
    /** The note parsed, but no signature is by a known key. */
    NO_KNOWN_SIGNATURE
  }

  private final Reason reason;

  NoteVerificationException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** Why the note was rejected. */
  public Reason reason() {
    return reason;
  }
}
