package org.privspark.core.zk;

import java.security.GeneralSecurityException;

/**
 * Thrown when an encoding, a proof or a batch of proofs is rejected. It is checked, so that a
 * failed verification cannot be ignored by accident; {@link #reason()} says which check failed.
 */
public final class ZkVerificationException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Which check failed. */
  public enum Reason {
    /** A point encoding is not {@value PointCodec#LENGTH} bytes long. */
    POINT_LENGTH,
    /** A point encodes the identity (the SEC1 single byte 0x00, or 33 zero bytes). */
    POINT_IDENTITY,
    /** A point uses the SEC1 uncompressed prefix 0x04; only compressed points are accepted. */
    POINT_UNCOMPRESSED,
    /** A point uses a SEC1 hybrid prefix 0x06 or 0x07. */
    POINT_HYBRID,
    /** A point's first byte is none of 0x02, 0x03 (nor a known SEC1 prefix). */
    POINT_PREFIX,
    /** A point's x-coordinate is not reduced: x &ge; p. */
    POINT_X_NOT_IN_FIELD,
    /** No curve point has this x-coordinate (x³ − 3x + b is not a square mod p). */
    POINT_NOT_ON_CURVE,
    /** A scalar encoding is not {@value ScalarCodec#LENGTH} bytes long. */
    SCALAR_LENGTH,
    /** A scalar is not reduced: s &ge; n, the group order. */
    SCALAR_NOT_REDUCED,
    /** A proof has the wrong length for its number of bits. */
    PROOF_LENGTH,
    /** A proof is all zero bytes. */
    PROOF_ALL_ZERO,
    /** The weighted sum of the bit commitments is not the commitment: Σ 2^i·C_i ≠ C. */
    BIT_SUM_MISMATCH,
    /** A bit's OR-proof does not verify: the bit commitment is not shown to open to 0 or 1. */
    BIT_PROOF_INVALID,
    /** The random linear combination of a batch's verification equations is not the identity. */
    BATCH_INVALID
  }

  private final Reason reason;

  ZkVerificationException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }
}
