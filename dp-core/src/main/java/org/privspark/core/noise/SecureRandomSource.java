package org.privspark.core.noise;

import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.privspark.core.Check;

/**
 * The default {@link NoiseSource}: fresh randomness from a {@link SecureRandom}, fetched in blocks
 * of {@value #BLOCK_BYTES} bytes.
 *
 * <p><b>Which generator.</b> {@link #create()} uses the JDK's NIST SP 800-90A DRBG at 256-bit
 * security strength ({@code SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(256,
 * RESEED_ONLY, …))}), which in the SUN provider is Hash_DRBG over SHA-256, seeded from the
 * operating system's entropy source. Measured on the project's 2-core reference machine (JDK 17, 8
 * KiB {@code nextBytes} blocks): Hash_DRBG/SHA-256 about 420 MB/s, CTR_DRBG/AES-256 about 220 MB/s,
 * HMAC_DRBG about 100 MB/s, SHA1PRNG about 160 MB/s and the platform default {@code new
 * SecureRandom()} (NativePRNG on Linux, which XORs {@code /dev/urandom} into SHA1PRNG output on
 * every call) about 85 MB/s. The DRBG is therefore both the fastest for bulk bytes and a
 * standardised construction; it needs no global security property. If a JDK lacks the DRBG
 * algorithm, {@code new SecureRandom()} is used instead.
 *
 * <p><b>Why blocks.</b> Each {@code SecureRandom} call costs a synchronised method call and a hash
 * computation; taking 8 KiB at a time and serving 8-byte words from the block is what makes more
 * than a million noise samples per second possible (see {@code docs/BENCHMARKS.md}). Consumed bytes
 * are not zeroed (they are overwritten by the next block) and never logged.
 *
 * <p><b>Not thread-safe:</b> use one source per thread. The underlying {@code SecureRandom} may be
 * shared between sources (it is thread-safe), but each source must be confined to one thread.
 */
public final class SecureRandomSource extends BufferedNoiseSource {
  /** Bytes fetched per {@code SecureRandom.nextBytes} call. */
  static final int BLOCK_BYTES = 8192;

  private static final byte[] PERSONALIZATION =
      "privspark-noise-source-v1".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;
  private final byte[] block = new byte[BLOCK_BYTES];

  private SecureRandomSource(SecureRandom random) {
    this.random = random;
  }

  /** A source on a fresh instance of the default generator ({@link #newDefaultGenerator()}). */
  public static SecureRandomSource create() {
    return new SecureRandomSource(newDefaultGenerator());
  }

  /** A source on a caller-supplied {@code SecureRandom}. */
  public static SecureRandomSource wrapping(SecureRandom random) {
    return new SecureRandomSource(Check.notNull("random", random));
  }

  /**
   * A new instance of the generator that {@link #create()} uses: the JDK DRBG at 256-bit strength
   * (Hash_DRBG/SHA-256 in the SUN provider), or {@code new SecureRandom()} when the JDK has no
   * DRBG.
   */
  public static SecureRandom newDefaultGenerator() {
    try {
      return SecureRandom.getInstance(
          "DRBG",
          DrbgParameters.instantiation(
              256, DrbgParameters.Capability.RESEED_ONLY, PERSONALIZATION.clone()));
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /** The name of the underlying generator, e.g. {@code "DRBG"}; never any of its state. */
  public String algorithm() {
    return random.getAlgorithm();
  }

  @Override
  byte[] refill() {
    random.nextBytes(block);
    return block;
  }

  @Override
  public String toString() {
    return "SecureRandomSource[" + random.getAlgorithm() + "]";
  }
}
