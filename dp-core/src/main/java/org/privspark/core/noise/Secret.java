package org.privspark.core.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

  /**
   * The length of a {@link #releaseId() release id} in bytes (a ledger entry's {@code releaseId}).
   */
  public static final int RELEASE_ID_LENGTH = 16;

  private static final byte[] RELEASE_ID_LABEL =
      "privspark-release-id-v1".getBytes(StandardCharsets.US_ASCII);

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

  /**
   * The public id of the one release this secret keys: the first {@value #RELEASE_ID_LENGTH} bytes
   * of HMAC-SHA256(secret, "privspark-release-id-v1").
   *
   * <p>Why: the noise of a release is a function of its secret and its cells (group keys and
   * statistics), nothing else. Two releases keyed by one secret, on neighbouring data, would carry
   * the same noise, and their difference would be the exact difference of the data. So a budget
   * records the release id of every secret-keyed spend and refuses a second spend with the same id
   * ({@code PrivacyBudget.spend}; a ledger refuses it across processes and jobs, and its auditor
   * flags a repeated id), and the release's noise is keyed by the secret bound to the charge
   * ({@link ReleaseKey}). The id reveals nothing about the secret or the noise: HMAC-SHA256 is a
   * pseudorandom function, and the noise key is derived under a different label.
   */
  public byte[] releaseId() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(RELEASE_ID_LABEL), RELEASE_ID_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
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
