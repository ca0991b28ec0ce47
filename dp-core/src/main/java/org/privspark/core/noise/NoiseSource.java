package org.privspark.core.noise;

/**
 * A source of uniformly random bits for drawing released noise.
 *
 * <p>This is the only way the samplers and mechanisms of PrivSpark consume randomness. Two
 * implementations exist: {@link SecureRandomSource} (fresh randomness from a {@link
 * java.security.SecureRandom} DRBG) and {@link KeyedStreamSource} (an AES-256-CTR keystream that is
 * a pure function of a per-release {@link Secret} and a cell id, for noise that must be identical
 * when a Spark plan is evaluated again). Statistical generators ({@code Random}, {@code
 * Math.random} and the like) must never be used for released noise.
 *
 * <p><b>Not thread-safe.</b> A source holds a buffer and a read position; use one source per thread
 * (or per cell). The samplers and mechanisms that take a source are themselves immutable and
 * thread-safe.
 */
public interface NoiseSource {

  /**
   * 64 uniformly random bits.
   *
   * @return the bits, as a long
   */
  long nextLong();

  /**
   * A uniformly random long in [0, {@code bound}), without bias.
   *
   * <p>Lemire's multiply-and-reject method ("Fast Random Integer Generation in an Interval", ACM
   * TOMACS 2019): the high word of the 128-bit product x·bound is uniform once the few x whose low
   * word falls below 2^64 mod bound are rejected. Expected calls to {@link #nextLong()}: below 1 +
   * bound/2^64.
   *
   * @param bound the exclusive upper end, &ge; 1
   * @return a long in [0, {@code bound})
   * @throws IllegalArgumentException if {@code bound < 1}
   */
  long nextLong(long bound);

  /**
   * One uniformly random bit. Implementations may serve it from a cached 64-bit word.
   *
   * @return the bit
   */
  boolean nextBoolean();

  /**
   * The {@link Secret#releaseId() release id} of the secret whose keystream this is, which a budget
   * must record with the release that draws from it (a secret keys one release); null for fresh
   * randomness, which no other release can reproduce.
   *
   * @return the release id, or null for fresh randomness
   */
  default byte[] releaseId() {
    return null;
  }

  /**
   * The source to draw a release's noise from once it is charged under {@code chargedReleaseId}:
   * for a keyed stream, the same cell under its secret bound to the charge ({@link ReleaseKey});
   * fresh randomness is returned as it is.
   *
   * @param chargedReleaseId the id the budget recorded the charge under
   * @return the source bound to that charge; {@code this} for fresh randomness
   */
  default NoiseSource boundTo(byte[] chargedReleaseId) {
    return this;
  }
}
