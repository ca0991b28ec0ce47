package org.privspark.core.noise;

import java.security.MessageDigest;
import java.security.SecureRandom;
import org.privspark.core.Check;

/**
 * A 256-bit per-release secret: the key from which {@link KeyedStreamSource} derives the noise of
 * every cell of one release.
 *
 * <p>Anyone who holds the secret and the data can recompute the noise and remove it, so the secret
 * must be kept like a signing key: it has no revealing {@code toString}, compares in constant time,
 * and is read out only through {@link #bytes()}, which exists so that the caller can persist the
 * secret (for re-running a release with identical noise) in a protected store. Never log it.
 *
 * <p>Immutable and thread-safe.
 */
public final class Secret {
  /** The length of a secret in bytes. */
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private Secret(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh secret from a new {@link SecureRandom}. */
  public static Secret generate() {
    byte[] b = new byte[LENGTH];
    new SecureRandom().nextBytes(b);
    return new Secret(b);
  }

  /**
   * A secret from exactly {@value #LENGTH} bytes, copied (later changes to {@code bytes} do not
   * affect it).
   *
   * @throws IllegalArgumentException if {@code bytes} is null or not {@value #LENGTH} bytes long
   */
  public static Secret fromBytes(byte[] bytes) {
    Check.notNull("bytes", bytes);
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "bytes must be exactly " + LENGTH + " bytes long; got " + bytes.length);
    }
    return new Secret(bytes.clone());
  }

  /**
   * A copy of the secret's bytes, for the caller to persist the secret in a protected store. The
   * caller owns the copy and should overwrite it once stored.
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Compares in constant time ({@link MessageDigest#isEqual}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    // A constant: a hash of the bytes would leak information about them through hash tables.
    return Secret.class.hashCode();
  }

  /** Always {@code "Secret[redacted]"}. */
  @Override
  public String toString() {
    return "Secret[redacted]";
  }

  /** For {@link KeyedStreamSource}: the raw bytes without a copy. Never expose. */
  byte[] unsafeBytes() {
    return bytes;
  }
}
