package org.privspark.core.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.privspark.core.Check;

/**
 * A deterministic {@link NoiseSource} for noise that is drawn once: the AES-256-CTR keystream of a
 * per-release {@link Secret} and a cell id.
 *
 * <p><b>Guarantee.</b> The same (secret, cell id) always yields the same stream, so a Spark plan
 * that is evaluated again (a second action, a task retry, a speculative task, an evicted cache
 * block) releases identical noise and spends the budget once. For a secret drawn uniformly at
 * random and kept secret, the streams of distinct cell ids are computationally indistinguishable
 * from independent uniform bits (AES as a pseudorandom permutation; counter mode with distinct
 * nonces). See "Noise drawn once: the keyed stream" in {@code docs/NOISE.md}.
 *
 * <p><b>Construction.</b>
 *
 * <ul>
 *   <li>Key: K = HMAC-SHA256(secret, "privspark-noise-v1"). Deriving the key, rather than using the
 *       secret directly, separates noise from any other use a caller may make of the same secret,
 *       and lets a later format change the label.
 *   <li>Initial counter block: the first 12 bytes of SHA-256("privspark-cell-v1" ‖ cellId),
 *       followed by a 4-byte big-endian block counter that starts at 0. Two cells share a nonce
 *       only on a 96-bit hash collision (probability about n²/2^97 for n cells).
 *   <li>Keystream: AES-256 in counter mode from the JDK ({@code AES/CTR/NoPadding}, which uses the
 *       AES-NI/VAES intrinsics where the CPU has them), produced by encrypting a zero buffer. The
 *       first refill is small ({@value #FIRST_BYTES} bytes, since a typical cell needs only a few
 *       samples); each later refill doubles, up to {@value #MAX_BYTES} bytes. The stream is a
 *       function of the position only, so the refill sizes do not change it.
 *   <li>Limit: at most 2^32 AES blocks (64 GiB) per cell; past that the 32-bit counter would carry
 *       into the nonce, so the source throws {@link IllegalStateException} instead.
 * </ul>
 *
 * <p><b>Not thread-safe.</b> Create one source per cell (or per thread and cell).
 */
public final class KeyedStreamSource extends BufferedNoiseSource {
  static final long MAX_BLOCKS = 1L << 32;
  static final int FIRST_BYTES = 512;
  static final int MAX_BYTES = 16384;

  private static final int AES_BLOCK = 16;
  private static final byte[] KEY_LABEL = "privspark-noise-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CELL_LABEL = "privspark-cell-v1".getBytes(StandardCharsets.US_ASCII);

  private final Cipher cipher;
  private final Secret secret;
  private final byte[] cellId;

  /** The id a charge was recorded under, for a stream of a {@link ReleaseKey}; null otherwise. */
  private final byte[] chargedReleaseId;

  private byte[] zeros = new byte[0];
  private byte[] keystream = new byte[0];
  private int nextBytes = FIRST_BYTES;
  private long blocksUsed;

  KeyedStreamSource(Secret secret, byte[] cellId, long startBlock) {
    this(secret, cellId, startBlock, null);
  }

  private KeyedStreamSource(
      Secret secret, byte[] cellId, long startBlock, byte[] chargedReleaseId) {
    Check.notNull("secret", secret);
    Check.notNull("cellId", cellId);
    if (startBlock < 0 || startBlock >= MAX_BLOCKS) {
      throw new IllegalArgumentException("startBlock must be in [0, 2^32); got " + startBlock);
    }
    byte[] key = null;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.unsafeBytes(), "HmacSHA256"));
      key = mac.doFinal(KEY_LABEL);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(CELL_LABEL);
      byte[] digest = sha.digest(cellId);
      byte[] iv = Arrays.copyOf(digest, AES_BLOCK);
      iv[12] = (byte) (startBlock >>> 24);
      iv[13] = (byte) (startBlock >>> 16);
      iv[14] = (byte) (startBlock >>> 8);
      iv[15] = (byte) startBlock;
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256, SHA-256 or AES/CTR/NoPadding", e);
    } finally {
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
    this.blocksUsed = startBlock;
    this.secret = secret;
    this.cellId = cellId.clone();
    this.chargedReleaseId = chargedReleaseId;
  }

  /**
   * The release id a budget must record for a release drawing from this stream: the secret's
   * (computed on request: most cells never need it), or for a stream of a {@link ReleaseKey} the id
   * its charge was already recorded under, which a budget refuses to charge again.
   */
  @Override
  public byte[] releaseId() {
    return chargedReleaseId != null ? chargedReleaseId.clone() : secret.releaseId();
  }

  /**
   * The same cell's stream under this stream's secret bound to {@code chargedReleaseId}: what a
   * mechanism draws from once it has charged the release ({@link ReleaseKey}). A stream of a
   * release key is already bound and is returned as it is.
   */
  @Override
  public NoiseSource boundTo(byte[] chargedReleaseId) {
    if (this.chargedReleaseId != null) {
      return this;
    }
    return forCell(ReleaseKey.of(secret, chargedReleaseId), cellId);
  }

  /**
   * The keystream of cell {@code cellId} under {@code secret}.
   *
   * @param secret the release's secret
   * @param cellId the cell's identity (for example an encoding of release id, group key and
   *     column); any byte string, copied in by hashing
   * @return the cell's keystream, from its start
   */
  public static KeyedStreamSource forCell(Secret secret, byte[] cellId) {
    return new KeyedStreamSource(secret, cellId, 0);
  }

  /**
   * The keystream of cell {@code cellId} (encoded as UTF-8) under {@code secret}.
   *
   * @param secret the release's secret
   * @param cellId the cell's identity, as text
   * @return the cell's keystream, from its start
   */
  public static KeyedStreamSource forCell(Secret secret, String cellId) {
    Check.notNull("cellId", cellId);
    return forCell(secret, cellId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The keystream of cell {@code cellId} of the charged release {@code key}.
   *
   * @param key the release's key, bound to its charge
   * @param cellId the cell's identity; any byte string
   * @return the cell's keystream, from its start
   */
  public static KeyedStreamSource forCell(ReleaseKey key, byte[] cellId) {
    Check.notNull("key", key);
    return new KeyedStreamSource(key.bound(), cellId, 0, key.releaseId());
  }

  /**
   * The keystream of cell {@code cellId} (encoded as UTF-8) of the charged release {@code key}.
   *
   * @param key the release's key, bound to its charge
   * @param cellId the cell's identity, as text
   * @return the cell's keystream, from its start
   */
  public static KeyedStreamSource forCell(ReleaseKey key, String cellId) {
    Check.notNull("cellId", cellId);
    return forCell(key, cellId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  byte[] refill() {
    long blocksLeft = MAX_BLOCKS - blocksUsed;
    if (blocksLeft <= 0) {
      throw new IllegalStateException(
          "keyed noise stream exhausted: a cell may use at most 2^32 AES blocks (64 GiB)");
    }
    int bytes = (int) Math.min(nextBytes, blocksLeft * AES_BLOCK);
    if (keystream.length != bytes) {
      keystream = new byte[bytes];
      zeros = new byte[bytes];
    }
    try {
      int written = cipher.update(zeros, 0, bytes, keystream, 0);
      if (written != bytes) {
        throw new IllegalStateException("AES/CTR returned " + written + " of " + bytes + " bytes");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR failed", e);
    }
    blocksUsed += bytes / AES_BLOCK;
    nextBytes = Math.min(MAX_BYTES, nextBytes * 2);
    return keystream;
  }

  /** AES-CTR bytes cost a fraction of a nanosecond: spend a word per trial, save the branches. */
  @Override
  boolean bernoulli(long n, long d) {
    return BernoulliExp.bernoulliByWords(this, n, d);
  }

  @Override
  public String toString() {
    return "KeyedStreamSource[" + blocksUsed + " blocks used]";
  }
}
