/**
 * The only place in PrivSpark that draws randomness for released noise.
 *
 * <ul>
 *   <li>{@link org.privspark.core.noise.NoiseSource}: uniform bits. {@link
 *       org.privspark.core.noise.SecureRandomSource} (fresh, from the JDK DRBG) and {@link
 *       org.privspark.core.noise.KeyedStreamSource} (AES-256-CTR keyed by a per-release {@link
 *       org.privspark.core.noise.Secret} and a cell id, for noise drawn once).
 *   <li>{@link org.privspark.core.noise.DiscreteLaplaceSampler} and {@link
 *       org.privspark.core.noise.DiscreteGaussianSampler}: exact samplers in integer arithmetic
 *       (Canonne, Kamath &amp; Steinke 2020, arXiv:2004.00010, Algorithms 1–3).
 * </ul>
 *
 * <p>Statistical generators ({@code Random}, {@code Math.random}, {@code nextGaussian}) and library
 * samplers are never used for released noise. See {@code docs/NOISE.md}.
 */
package org.privspark.core.noise;
