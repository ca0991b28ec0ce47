package org.privspark.spark.sql;

import org.privspark.core.Check;
import org.privspark.core.noise.Secret;

/**
 * Options of {@link PrivateDataFrame#bounds(String, double, BoundsOptions)}. Immutable: the setters
 * return a copy. Defaults: {@link #emptyBinProbability} {@value #DEFAULT_EMPTY_BIN_PROBABILITY}, a
 * fresh release secret.
 */
public final class BoundsOptions {
  /**
   * The default chance that some empty bin's noise alone passes the threshold, which would widen
   * the bounds to a range without data (the bounds stay private either way).
   */
  public static final double DEFAULT_EMPTY_BIN_PROBABILITY = 1e-3;

  private final double emptyBinProbability;
  private final Secret releaseSecret;

  private BoundsOptions(double emptyBinProbability, Secret releaseSecret) {
    this.emptyBinProbability = emptyBinProbability;
    this.releaseSecret = releaseSecret;
  }

  /**
   * The defaults.
   *
   * @return the default options: β = {@value #DEFAULT_EMPTY_BIN_PROBABILITY} and a fresh release
   *     secret
   */
  public static BoundsOptions defaults() {
    return new BoundsOptions(DEFAULT_EMPTY_BIN_PROBABILITY, null);
  }

  /**
   * β, in (0, 1): the probability that the noise of some empty bin passes the threshold. A smaller
   * β raises the threshold: fewer spurious bins, more of a thin tail left outside the bounds.
   *
   * @param beta β, in (0, 1)
   * @return options with this β; these are unchanged
   */
  public BoundsOptions emptyBinProbability(double beta) {
    Check.inOpen("emptyBinProbability", beta, 0, 1);
    return new BoundsOptions(beta, releaseSecret);
  }

  /**
   * The release secret of the histogram (see {@link PrivateAggregation#releaseSecret(Secret)}):
   * only to reproduce a release, never on two budgets over the same people.
   *
   * @param secret the secret of this one release
   * @return options with this secret; these are unchanged
   */
  public BoundsOptions releaseSecret(Secret secret) {
    return new BoundsOptions(emptyBinProbability, Check.notNull("releaseSecret", secret));
  }

  /**
   * β: the probability that the noise of some empty bin passes the threshold.
   *
   * @return β, in (0, 1)
   */
  public double emptyBinProbability() {
    return emptyBinProbability;
  }

  /** The release secret, or null for a fresh one. */
  Secret releaseSecret() {
    return releaseSecret;
  }
}
