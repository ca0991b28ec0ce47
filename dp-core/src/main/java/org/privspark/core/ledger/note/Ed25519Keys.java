package org.privspark.core.ledger.note;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;

/**
 * Ed25519 (RFC 8032): keys from and to their raw 32-byte encodings, signing and verifying. Signing
 * and deriving a public key use BouncyCastle's RFC 8032 code (the JDK has no API to derive a public
 * key from a seed, and its signing is several times slower); verifying uses the JDK's SunEC
 * provider, an implementation independent of the signer's. Thread-safe.
 */
final class Ed25519Keys {
  static final int KEY_SIZE = 32;
  static final int SIGNATURE_SIZE = 64;

  /** The field prime 2^255 - 19; an encoded y must be below it (RFC 8032 section 5.1.3). */
  private static final BigInteger P =
      BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

  private Ed25519Keys() {}

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
   * Refuses, with what to add, when BouncyCastle is not on the class path: it is an optional
   * dependency of dp-core (a project that keeps no ledger needs none), so a project that keeps a
   * ledger must declare it. Called before a key is read or a signature made, so the refusal comes
   * before anything is charged.
   */
  private static void requireBouncyCastle() {
    try {
      Class.forName(
          "org.bouncycastle.math.ec.rfc8032.Ed25519", false, Ed25519Keys.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "the ledger's Ed25519 keys need BouncyCastle on the class path: add the dependency"
              + " org.bouncycastle:bcprov-jdk18on (README, 'Using PrivSpark from Maven')",
          e);
    }
  }

  /** The encoded public key of a 32-byte seed (RFC 8032 section 5.1.5). */
  static byte[] publicKeyOf(byte[] seed) {
    checkLength("seed", seed);
    requireBouncyCastle();
    byte[] publicKey = new byte[KEY_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, publicKey, 0);
    return publicKey;
  }

  /** RFC 8032 Ed25519 signature by BouncyCastle's implementation, from the 32-byte seed. */
  static byte[] sign(byte[] seed, byte[] message) {
    requireBouncyCastle();
    byte[] signature = new byte[SIGNATURE_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
        seed, 0, message, 0, message.length, signature, 0);
    return signature;
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
      throw new IllegalArgumentException(
          name
              + " must be "
              + KEY_SIZE
              + " bytes long; got "
              + (bytes == null ? "null" : bytes.length));
    }
  }
}
