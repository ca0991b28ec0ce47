package org.privspark.core.zk;

import static org.privspark.core.zk.ZkVerificationException.Reason;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A non-interactive proof that a Pedersen commitment C opens to a value in [0, 2^k), for 1 &le; k
 * &le; {@value #MAX_BITS}. Made by {@link RangeProver}, checked by {@link RangeVerifier}.
 *
 * <p><b>Wire form</b>, fixed length {@code 195·k} bytes ({@link #length(int)}): for each bit i =
 * 0..k−1, the bit commitment C_i ({@value PointCodec#LENGTH} bytes) followed by its {@link
 * BitProof} (A_0 ‖ A_1 ‖ c_0 ‖ z_0 ‖ z_1). Points are strict compressed SEC1, scalars 32-byte
 * big-endian below n. k is not in the bytes: the verifier fixes it as part of the statement, so a
 * proof for more bits (a wider range) is refused by length.
 */
public final class RangeProof {
  /** The largest supported number of bits. */
  public static final int MAX_BITS = 64;

  /** Bytes per bit: C_i plus its OR-proof. */
  public static final int BYTES_PER_BIT = PointCodec.LENGTH + BitProof.LENGTH;

  private final ECPoint[] bitCommitments;
  private final BitProof[] bitProofs;

  RangeProof(ECPoint[] bitCommitments, BitProof[] bitProofs) {
    checkBits(bitCommitments.length);
    if (bitProofs.length != bitCommitments.length) {
      throw new IllegalArgumentException(
          "one OR-proof per bit commitment; got "
              + bitProofs.length
              + " for "
              + bitCommitments.length);
    }
    this.bitCommitments = bitCommitments.clone();
    this.bitProofs = bitProofs.clone();
  }

  /** The encoded length of a proof for {@code bits} bits: {@value #BYTES_PER_BIT}·bits. */
  public static int length(int bits) {
    return BYTES_PER_BIT * checkBits(bits);
  }

  /** The number of bits k: the proof shows v &lt; 2^k. */
  public int bits() {
    return bitCommitments.length;
  }

  ECPoint bitCommitment(int i) {
    return bitCommitments[i];
  }

  BitProof bitProof(int i) {
    return bitProofs[i];
  }

  List<ECPoint> bitCommitments() {
    return List.of(bitCommitments);
  }

  /** The {@link #length(int)}-byte wire form. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length(bits()));
    for (int i = 0; i < bits(); i++) {
      BitProof p = bitProofs[i];
      out.writeBytes(PointCodec.encode(bitCommitments[i]));
      out.writeBytes(PointCodec.encode(p.a0()));
      out.writeBytes(PointCodec.encode(p.a1()));
      out.writeBytes(ScalarCodec.encode(p.c0()));
      out.writeBytes(ScalarCodec.encode(p.z0()));
      out.writeBytes(ScalarCodec.encode(p.z1()));
    }
    return out.toByteArray();
  }

  /**
   * Parses a proof for exactly {@code bits} bits. Refuses a wrong length (truncated or extended),
   * the all-zero string, and any invalid point or scalar, with the reason.
   */
  public static RangeProof decode(byte[] bytes, int bits) throws ZkVerificationException {
    int expected = length(bits);
    if (bytes == null || bytes.length != expected) {
      throw new ZkVerificationException(
          Reason.PROOF_LENGTH,
          "a "
              + bits
              + "-bit proof must be "
              + expected
              + " bytes; got "
              + (bytes == null ? "null" : bytes.length));
    }
    if (allZero(bytes)) {
      throw new ZkVerificationException(Reason.PROOF_ALL_ZERO, "the proof is all zero bytes");
    }
    ECPoint[] commitments = new ECPoint[bits];
    BitProof[] proofs = new BitProof[bits];
    int at = 0;
    for (int i = 0; i < bits; i++) {
      commitments[i] = PointCodec.decode(Arrays.copyOfRange(bytes, at, at += PointCodec.LENGTH));
      ECPoint a0 = PointCodec.decode(Arrays.copyOfRange(bytes, at, at += PointCodec.LENGTH));
      ECPoint a1 = PointCodec.decode(Arrays.copyOfRange(bytes, at, at += PointCodec.LENGTH));
      var c0 = ScalarCodec.decode(Arrays.copyOfRange(bytes, at, at += ScalarCodec.LENGTH));
      var z0 = ScalarCodec.decode(Arrays.copyOfRange(bytes, at, at += ScalarCodec.LENGTH));
      var z1 = ScalarCodec.decode(Arrays.copyOfRange(bytes, at, at += ScalarCodec.LENGTH));
      proofs[i] = new BitProof(a0, a1, c0, z0, z1);
    }
    return new RangeProof(commitments, proofs);
  }

  static int checkBits(int bits) {
    if (bits < 1 || bits > MAX_BITS) {
      throw new IllegalArgumentException("bits must be in [1, " + MAX_BITS + "]; got " + bits);
    }
    return bits;
  }

  private static boolean allZero(byte[] bytes) {
    int acc = 0;
    for (byte b : bytes) {
      acc |= b;
    }
    return acc == 0;
  }

  @Override
  public String toString() {
    return "RangeProof[bits=" + bits() + ", " + length(bits()) + " bytes]";
  }
}
