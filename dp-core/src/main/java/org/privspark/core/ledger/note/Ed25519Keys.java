package org.privspark.core.ledger.note;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Ed25519 (RFC 8032) with the JDK's SunEC provider: keys from and to their raw 32-byte encodings,
 * signing and verifying. Thread-safe.
 */
final class Ed25519Keys {
  static final int KEY_SIZE = 32;
  static final int SIGNATURE_SIZE = 64;

  /** The field prime 2^255 - 19; an encoded y must be below it (RFC 8032 section 5.1.3). */
  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

  private static final byte[] SELF_TEST_MESSAGE = {'p', 'r', 'i', 'v', 's', 'p', 'a', 'r', 'k'};

  private Ed25519Keys() {}

  /** The private key with the given 32-byte seed (RFC 8032's "private key"). */
  static PrivateKey privateKey(byte[] seed) throws GeneralSecurityException {
    checkLength("seed", seed);
    return KeyFactory.getInstance("Ed25519")
        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
  }

  /**
   * The public key from its 32-byte RFC 8032 encoding: y little-endian in bits 0..254, and the
   * parity of x in bit 255 (the high bit of the last byte). A y of 2^255 - 19 or more is refused.
   */
  static PublicKey publicKey(byte[] encoded) throws GeneralSecurityException {
    checkLength("public key", encoded);
    boolean xOdd = (encoded[KEY_SIZE - 1] & 0x80) != 0;
    byte[] bigEndian = new byte[KEY_SIZE];
    for (int i = 0; i < KEY_SIZE; i++) {
      bigEndian[i] = encoded[KEY_SIZE - 1 - i];
    }
    bigEndian[0] &= 0x7f;
    BigInteger y = new BigInteger(1, bigEndian);
    if (y.compareTo(P) >= 0) {
      throw new GeneralSecurityException("Ed25519 public key is not canonical: y >= 2^255 - 19");
    }
    return KeyFactory.getInstance("Ed25519")
        .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, y)));
  }

  /** The 32-byte RFC 8032 encoding of a public key. */
  static byte[] encode(PublicKey key) {
    EdECPoint point = ((EdECPublicKey) key).getPoint();
    byte[] y = point.getY().toByteArray(); // big-endian, possibly with a leading sign byte
    byte[] out = new byte[KEY_SIZE];
    for (int i = 0; i < KEY_SIZE && i < y.length; i++) {
      out[i] = y[y.length - 1 - i];
    }
    if (point.isXOdd()) {
      out[KEY_SIZE - 1] |= (byte) 0x80;
    }
    return out;
  }

  /**
   * The encoded public key of a seed. The JDK has no public API to derive it, but its key-pair
   * generator turns exactly 32 random bytes into the seed; so it is fed the seed as its randomness.
   * A sign-and-verify round trip then proves that the pair matches, in case a provider draws its
   * randomness differently.
   */
  static byte[] publicKeyOf(byte[] seed) throws GeneralSecurityException {
    checkLength("seed", seed);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
    KeyPair pair = generator.generateKeyPair();
    byte[] sig = sign(privateKey(seed), SELF_TEST_MESSAGE);
    if (!verify(pair.getPublic(), SELF_TEST_MESSAGE, sig)) {
      throw new GeneralSecurityException("could not derive the Ed25519 public key of a seed");
    }
    return encode(pair.getPublic());
  }

  static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  /**
   * Whether {@code signature} is a valid signature of {@code message}. Any provider error (a
   * signature of the wrong length, a public key that is not a curve point) counts as invalid.
   */
  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_SIZE) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static void checkLength(String name, byte[] bytes) {
    if (bytes == null || bytes.length != KEY_SIZE) {
      throw new IllegalArgumentException(name + " must be " + KEY_SIZE + " bytes long; got "
          + (bytes == null ? "null" : bytes.length));
    }
  }

  /** A SecureRandom that returns the given bytes, for deriving a key pair from a known seed. */
  private static final class FixedBytes extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedBytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      if (out.length != bytes.length) {
        throw new IllegalStateException("the provider asked for " + out.length + " bytes, not "
            + bytes.length);
      }
      System.arraycopy(bytes, 0, out, 0, out.length);
      Arrays.fill(bytes, (byte) 0); // usable once
    }
  }
}
