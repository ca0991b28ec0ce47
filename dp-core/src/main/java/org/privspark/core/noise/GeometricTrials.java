package org.privspark.core.noise;

import org.privspark.core.Check;

/**
 * The number of independent Bernoulli(γ) trials up to and including the first success: K ≥ 1 with
 * P[K = k] = γ(1 − γ)^(k−1), the geometric distribution (the truncated negative binomial D_{1,γ} of
 * Papernot &amp; Steinke 2022, Definition 1, that private selection draws its number of repetitions
 * from).
 *
 * <p><b>Exact.</b> Each trial is {@link Bernoulli#sample}, exact for the double γ, so K has exactly
 * this distribution; no floating-point inversion enters. Expected trials: 1/γ; each costs about two
 * 64-bit words.
 *
 * <p>Stateless; thread-safe given one {@link NoiseSource} per thread.
 */
public final class GeometricTrials {
  private GeometricTrials() {}

  /**
   * Draws K.
   *
   * @param gamma the success probability γ, in (0, 1]
   * @param source the release's randomness
   * @return K &ge; 1
   */
  public static long sample(double gamma, NoiseSource source) {
    Check.inLeftOpen("gamma", gamma, 0.0, 1.0);
    Check.notNull("source", source);
    long k = 1;
    while (!Bernoulli.sample(gamma, source)) {
      k++;
    }
    return k;
  }
}
