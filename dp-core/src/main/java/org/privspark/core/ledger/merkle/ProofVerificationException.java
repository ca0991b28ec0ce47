package org.privspark.core.ledger.merkle;

import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Thrown when an inclusion or consistency proof does not verify. It is checked, so that a failed
 * verification cannot be ignored by accident. {@link #reason()} says which check failed; for a
 * {@link Reason#ROOT_MISMATCH} the exception also carries the expected and the computed root.
 */
public final class ProofVerificationException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Which check failed. */
  public enum Reason {
    /**
     * A leaf index or tree size is outside its allowed range (index &ge; size, size1 &gt; size2).
     */
    SIZE_OUT_OF_RANGE,
    /** A consistency proof from the empty tree (size1 = 0): it proves nothing, so it is refused. */
    EMPTY_TREE,
    /** A leaf hash, proof hash or root does not have {@value Rfc9162Hasher#HASH_SIZE} bytes. */
    MALFORMED_HASH,
    /** The proof has more or fewer hashes than the tree sizes require. */
    WRONG_PROOF_LENGTH,
    /** The root computed from the proof differs from the expected root. */
    ROOT_MISMATCH
  }

  private final Reason reason;
  private final byte[] expected;
  private final byte[] computed;

  ProofVerificationException(Reason reason, String message) {
    this(reason, message, null, null);
  }

  private ProofVerificationException(
      Reason reason, String message, byte[] expected, byte[] computed) {
    super(reason + ": " + message);
    this.reason = reason;
    this.expected = expected;
    this.computed = computed;
  }

  static ProofVerificationException rootMismatch(String what, byte[] expected, byte[] computed) {
    HexFormat hex = HexFormat.of();
    return new ProofVerificationException(
        Reason.ROOT_MISMATCH,
        what
            + " computed from the proof is "
            + hex.formatHex(computed)
            + " but expected "
            + hex.formatHex(expected),
        expected.clone(),
        computed.clone());
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }

  /** The expected root (a copy), or null unless the reason is {@link Reason#ROOT_MISMATCH}. */
  public byte[] expected() {
    return expected == null ? null : expected.clone();
  }

  /** The root computed from the proof (a copy), or null unless {@link Reason#ROOT_MISMATCH}. */
  public byte[] computed() {
    return computed == null ? null : computed.clone();
  }
}
