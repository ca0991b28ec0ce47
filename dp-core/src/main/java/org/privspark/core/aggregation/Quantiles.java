package org.privspark.core.aggregation;

import java.util.List;

/**
 * Quantiles of a column clamped to [lower, upper] per group, read off a noisy histogram of {@link
 * #BINS} equal bins over [lower, upper] (resolution (upper − lower)/{@value #BINS}).
 */
public record Quantiles(String column, double lower, double upper, double[] ranks)
    implements Statistic {
  /** Equal bins over [lower, upper]. */
  public static final int BINS = 64;

  /**
   * @throws IllegalArgumentException unless lower &lt; upper are finite with a finite width, and
   *     there is at least one rank, each in [0, 1]
   */
  public Quantiles {
    ranks = ranks.clone();
    if (!Double.isFinite(lower)
        || !Double.isFinite(upper)
        || !(lower < upper)
        || !Double.isFinite(upper - lower)) {
      throw new IllegalArgumentException(
          "bounds of '"
              + column
              + "' for quantiles must be finite with lower < upper"
              + " and a finite width upper - lower; got ["
              + lower
              + ", "
              + upper
              + "]");
    }
    if (ranks.length == 0) {
      throw new IllegalArgumentException("ranks must hold at least one rank; got none");
    }
    for (int i = 0; i < ranks.length; i++) {
      if (!(ranks[i] >= 0 && ranks[i] <= 1)) {
        throw new IllegalArgumentException("ranks[" + i + "] must be in [0, 1]; got " + ranks[i]);
      }
    }
  }

  @Override
  public double[] ranks() {
    return ranks.clone();
  }

  /** The public bin edges: lower + (upper − lower)·j/{@value #BINS}, the last one exactly upper. */
  public double[] edges() {
    double[] edges = new double[BINS + 1];
    for (int j = 0; j <= BINS; j++) {
      edges[j] = lower + (upper - lower) * j / BINS;
    }
    edges[BINS] = upper;
    return edges;
  }

  /** The measured quantity. */
  public Quantity quantity() {
    return Quantity.histogram(column, edges());
  }

  @Override
  public List<Derivation> derivations() {
    return List.of(Derivation.of("bins", quantity(), 0.0));
  }
}
