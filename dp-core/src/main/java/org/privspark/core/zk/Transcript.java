package org.privspark.core.zk;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * A Fiat–Shamir transcript: a running SHA-512 hash of everything a proof's challenge must depend
 * on.
 *
 * <p><b>Encoding.</b> The hash starts with the domain tag {@value #DOMAIN}, the protocol name and
 * its version. Each absorb then adds one frame {@code 0x01 ‖ u32(|label|) ‖ label ‖ u32(|value|) ‖
 * value}, and each challenge adds {@code 0x02 ‖ u32(|label|) ‖ label}, all lengths big-endian. The
 * lengths make the framing injective: no two different sequences of (label, value) pairs hash the
 * same bytes, so no element can be moved across a boundary.
 *
 * <p><b>Challenges.</b> A challenge is SHA-512 of the transcript so far (64 bytes) read as an
 * integer and reduced mod n. Since 2^512 / n &gt; 2^256, the result is within statistical distance
 * n / 2^512 &lt; 2^−256 of uniform (the "hash to more bytes, then reduce" rule of RFC 9380 §5).
 * After a challenge is drawn, it is absorbed, so later challenges depend on it.
 *
 * <p><b>Frozen Heart.</b> Fiat–Shamir is only sound when the challenge binds the whole statement:
 * the public parameters (group, generators), every public input and every prover message that
 * precedes the challenge. A weak Fiat–Shamir that leaves out, say, the commitment being proven lets
 * a prover choose that commitment after seeing the challenge and forge proofs of false statements
 * (Dao, Miller, Wright, Grubbs, "Weak Fiat–Shamir Attacks on Modern Proof Systems", IEEE S&amp;P
 * 2023; Trail of Bits, "Coordinated disclosure of vulnerabilities affecting Girault, Bulletproofs,
 * and PlonK", 2022). Each protocol in this package lists what it absorbs, and absorbs it all before
 * its first challenge.
 *
 * <p>Not thread-safe. Labels are ASCII protocol constants, never attacker-chosen.
 */
public final class Transcript {
  /** The first bytes hashed into every PrivSpark transcript. */
  public static final String DOMAIN = "privspark-zk-transcript";

  private static final byte ABSORB = 0x01;
  private static final byte CHALLENGE = 0x02;

  private final MessageDigest state;

  /**
   * A transcript for {@code protocol} at {@code version}: proofs made under one protocol or version
   * never verify under another.
   */
  public Transcript(String protocol, int version) {
    Check.notNull("protocol", protocol);
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1; got " + version);
    }
    state = sha512();
    frame(ascii("domain"), DOMAIN.getBytes(StandardCharsets.US_ASCII));
    absorb("protocol", protocol.getBytes(StandardCharsets.UTF_8));
    absorbLong("version", version);
  }

  /** Absorbs a labelled byte string. */
  public Transcript absorb(String label, byte[] value) {
    Check.notNull("value", value);
    state.update(ABSORB);
    frame(ascii(label), value);
    return this;
  }

  /** Absorbs a signed 64-bit integer as 8 big-endian bytes. */
  public Transcript absorbLong(String label, long value) {
    return absorb(label, ByteBuffer.allocate(Long.BYTES).putLong(value).array());
  }

  /** Absorbs a point in its {@link PointCodec} encoding. */
  public Transcript absorbPoint(String label, ECPoint point) {
    return absorb(label, PointCodec.encode(point));
  }

  /** Absorbs a scalar in its {@link ScalarCodec} encoding. */
  public Transcript absorbScalar(String label, BigInteger scalar) {
    return absorb(label, ScalarCodec.encode(scalar));
  }

  /** A challenge scalar in [0, n), nearly uniform (bias &lt; 2^−256), then absorbed. */
  public BigInteger challengeScalar(String label) {
    byte[] l = ascii(label);
    state.update(CHALLENGE);
    state.update(u32(l.length));
    state.update(l);
    MessageDigest fork = copy();
    BigInteger c = new BigInteger(1, fork.digest()).mod(P256.N);
    absorbScalar(label, c);
    return c;
  }

  private void frame(byte[] label, byte[] value) {
    state.update(u32(label.length));
    state.update(label);
    state.update(u32(value.length));
    state.update(value);
  }

  private MessageDigest copy() {
    try {
      return (MessageDigest) state.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the SHA-512 provider must support clone()", e);
    }
  }

  private static byte[] ascii(String label) {
    Check.notNull("label", label);
    if (label.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(label)) {
      throw new IllegalArgumentException("label must be non-empty ASCII; got \"" + label + "\"");
    }
    return label.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] u32(int n) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(n).array();
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is required by every Java platform", e);
    }
  }
}
