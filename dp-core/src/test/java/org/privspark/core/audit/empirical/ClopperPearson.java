package org.privspark.core.audit.empirical;

import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * Exact (Clopper–Pearson) one-sided confidence bounds on a binomial proportion.
 *
 * <p>For k successes in n trials, the lower bound at confidence 1 − α is the α-quantile of Beta(k,
 * n − k + 1) (0 when k = 0) and the upper bound the (1 − α)-quantile of Beta(k + 1, n − k) (1 when
 * k = n). Each holds with probability at least 1 − α whatever the true proportion (Clopper &amp;
 * Pearson, Biometrika 1934).
 */
public final class ClopperPearson {
  /** Absolute accuracy of the Beta quantiles: far below the smallest bounds used (about 1e-8). */
  private static final double ACCURACY = 1e-15;

  private ClopperPearson() {}

  /** A lower bound on p that holds with probability ≥ 1 − alpha. */
  public static double lower(long k, long n, double alpha) {
    check(k, n, alpha);
    if (k == 0) {
      return 0.0;
    }
    return new BetaDistribution(null, k, n - k + 1, ACCURACY).inverseCumulativeProbability(alpha);
  }

  /** An upper bound on p that holds with probability ≥ 1 − alpha. */
  public static double upper(long k, long n, double alpha) {
    check(k, n, alpha);
    if (k == n) {
      return 1.0;
    }
    return new BetaDistribution(null, k + 1, n - k, ACCURACY)
        .inverseCumulativeProbability(1 - alpha);
  }

  private static void check(long k, long n, double alpha) {
    if (n < 1 || k < 0 || k > n) {
      throw new IllegalArgumentException(
          "k must be in [0, n] with n >= 1; got k=" + k + ", n=" + n);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1); got " + alpha);
    }
  }
}
