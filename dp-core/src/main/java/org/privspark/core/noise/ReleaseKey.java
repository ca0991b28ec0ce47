package org.privspark.core.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.privspark.core.Check;

/**
 * The key of one charged release's randomness: a release {@link Secret} bound to the release id its
 * charge was recorded under. Every noise cell ({@link KeyedStreamSource#forCell(ReleaseKey,
 * String)}) and every other random choice of the release ({@link #derive}) comes from it.
 *
 * <p><b>Why bound.</b> A budget refuses a release id it has charged before, but a caller can hold
 * many secrets, and secrets can be derived from secrets (a report's per-query secrets). Keying the
 * noise by the secret together with the charged id means the noise can be reproduced only by the
 * same secret charged under the same id, which a budget or ledger admits once. A secret derived
 * from another one and used on its own is charged under its own id, so its noise differs from the
 * noise it had inside the release that paid for it.
 *
 * <p><b>Opaque.</b> The bound key is K = HMAC-SHA256(secret, "privspark-bound-release-v1" ‖ id). It
 * is never exposed, neither as bytes nor as a {@link Secret}, so it cannot be handed to a keyed
 * stream as a fresh release secret; {@link #releaseId()} is the charged id, which a budget refuses
 * to charge again. (Whoever holds the secret and charges nothing can of course release anything:
 * the guarantee covers charged releases.)
 *
 * <p>Immutable and thread-safe.
 */
public final class ReleaseKey {
  private static final byte[] BOUND_LABEL =
      "privspark-bound-release-v1".getBytes(StandardCharsets.US_ASCII);

  private final Secret bound;
  private final byte[] chargedReleaseId;

  private ReleaseKey(Secret bound, byte[] chargedReleaseId) {
    this.bound = bound;
    this.chargedReleaseId = chargedReleaseId;
  }

  /**
   * The key of the release keyed by {@code secret} and charged under {@code chargedReleaseId} (what
   * {@code PrivacyBudget.charge(...).releaseId()} returns).
   *
   * @param secret the release's secret
   * @param chargedReleaseId the id the charge was recorded under
   * @return the key, bound to that charge
   * @throws IllegalArgumentException if the id is null or not {@value Secret#RELEASE_ID_LENGTH}
   *     bytes
   */
  public static ReleaseKey of(Secret secret, byte[] chargedReleaseId) {
    Check.notNull("secret", secret);
    Check.notNull("chargedReleaseId", chargedReleaseId);
    if (chargedReleaseId.length != Secret.RELEASE_ID_LENGTH) {
      throw new IllegalArgumentException(
          "chargedReleaseId must be "
              + Secret.RELEASE_ID_LENGTH
              + " bytes long; got "
              + chargedReleaseId.length);
    }
    byte[] id = chargedReleaseId.clone();
    return new ReleaseKey(Secret.fromBytes(hmac(secret.unsafeBytes(), BOUND_LABEL, id)), id);
  }

  /**
   * The release id the charge was recorded under (public: the ledger holds it).
   *
   * @return the release id, a copy
   */
  public byte[] releaseId() {
    return chargedReleaseId.clone();
  }

  /**
   * 32 bytes for another random choice of the release (for example the salts of contribution
   * bounding): HMAC-SHA256(K, "privspark-derive-v1:" ‖ label). Distinct labels give independent
   * bytes, and none of them is the key itself or any noise cell's key.
   *
   * @param label what the bytes are for; one label per use
   * @return 32 bytes, a fresh array
   */
  public byte[] derive(String label) {
    Check.notNull("label", label);
    return hmac(
        bound.unsafeBytes(),
        ("privspark-derive-v1:" + label).getBytes(StandardCharsets.UTF_8),
        new byte[0]);
  }

  /**
   * The key of one part of this release (one repetition of a private selection, say): the same
   * charged release id, with the bound key HMAC-SHA256(K, "privspark-part-v1:" ‖ label). Distinct
   * labels give independent keys, none equal to this key, any noise cell's key or any {@link
   * #derive}d bytes (the HMAC labels differ). Like this key, a part's key is never exposed, and it
   * draws no noise but the release's: its id is the one the budget charged.
   *
   * @param label which part; one label per part
   * @return the part's key
   */
  public ReleaseKey part(String label) {
    Check.notNull("label", label);
    byte[] key =
        hmac(
            bound.unsafeBytes(),
            ("privspark-part-v1:" + label).getBytes(StandardCharsets.UTF_8),
            new byte[0]);
    return new ReleaseKey(Secret.fromBytes(key), chargedReleaseId);
  }

  /** For {@link KeyedStreamSource}: the bound key as a secret. Never expose. */
  Secret bound() {
    return bound;
  }

  private static byte[] hmac(byte[] key, byte[] label, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(label);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  /** Always {@code "ReleaseKey[redacted]"}. */
  @Override
  public String toString() {
    return "ReleaseKey[redacted]";
  }
}
