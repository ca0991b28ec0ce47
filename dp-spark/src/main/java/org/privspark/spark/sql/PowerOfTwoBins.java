package org.privspark.spark.sql;

import java.util.Locale;

/**
 * The public bins of {@link PrivateDataFrame#bounds}, and how bounds are read off their noisy
 * counts. Plain Java: no Spark, no private data (the counts it reads are already noisy).
 *
 * <p><b>Bins.</b> Signed powers of two that cover every finite double, with no prior range: [0,
 * 2^-32), [2^j, 2^(j+1)) for j = −32 … 63, then the wider [2^64, 2^128), [2^128, 2^256), [2^256,
 * 2^512), [2^512, MAX] (MAX = {@code Double.MAX_VALUE}), and their mirrors below zero ([−2^-32, 0),
 * [−2^(j+1), −2^j), …, [−MAX, −2^512)): {@value #BINS} bins. Zero and −0.0 fall in [0, 2^-32); ±∞
 * are counted in the outermost bins, as every histogram counts out-of-range values. Between 2^-32
 * and 2^64 in magnitude an edge is within a factor 2 of any value in its bin.
 *
 * <p><b>Reading the bounds</b> (the approach of Google's {@code ApproxBounds},
 * cc/algorithms/approx-bounds.h): with per-bin discrete Laplace noise of standard deviation σ, so
 * scale b = σ/√2, the threshold is t = b·ln(B/(2β)) for B bins. An empty bin's noisy count exceeds
 * t with probability ½e^{−t/b} = β/B (up to a relative 2^-39: the noise lives on a grid 2^40 times
 * finer than b, whose discrete tail and standard deviation match the continuous ones to that
 * precision), so by a union bound no empty bin passes with probability ≥ 1 − β. The lower bound is
 * the left edge of the leftmost bin whose noisy count exceeds t, the upper bound the right edge of
 * the rightmost one: rounded outward to bin edges, and with probability ≥ 1 − β inside the data's
 * own range rounded out to bin edges. A bin that holds n ≥ t + b·ln(1/(2γ)) rows is found with
 * probability ≥ 1 − γ. The rows left outside lie in bins that did not pass, and by the same bound
 * on the lower tail, with probability ≥ 1 − β every such bin holds fewer than 2t rows.
 */
final class PowerOfTwoBins {
  /** Octave bins [2^j, 2^(j+1)) start at j = {@value}. */
  static final int FINEST_EXPONENT = -32;

  /** Octave bins end at 2^{@value}; wider bins reach {@code Double.MAX_VALUE}. */
  static final int COARSE_FROM_EXPONENT = 64;

  private static final int[] WIDE_EXPONENTS = {128, 256, 512};

  /** Bins per sign. */
  private static final int PER_SIGN =
      COARSE_FROM_EXPONENT - FINEST_EXPONENT + WIDE_EXPONENTS.length + 2;

  /** Number of bins. */
  static final int BINS = 2 * PER_SIGN;

  private PowerOfTwoBins() {}

  /** The {@value #BINS} + 1 strictly increasing, finite edges, symmetric about 0. */
  static double[] edges() {
    double[] positive = new double[PER_SIGN + 1];
    int i = 0;
    positive[i++] = 0.0;
    for (int j = FINEST_EXPONENT; j <= COARSE_FROM_EXPONENT; j++) {
      positive[i++] = Math.scalb(1.0, j);
    }
    for (int j : WIDE_EXPONENTS) {
      positive[i++] = Math.scalb(1.0, j);
    }
    positive[i] = Double.MAX_VALUE;
    double[] edges = new double[BINS + 1];
    for (int k = 0; k < PER_SIGN; k++) {
      edges[k] = -positive[PER_SIGN - k];
    }
    System.arraycopy(positive, 0, edges, PER_SIGN, PER_SIGN + 1);
    return edges;
  }

  /** t = b·ln(B/(2β)) with b = σ/√2: an empty bin passes with probability β/B. */
  static double threshold(double binNoiseStd, double beta) {
    return binNoiseStd / Math.sqrt(2) * Math.log(BINS / (2 * beta));
  }

  /**
   * Bounds read off {@code noisy} (one noisy count per bin of {@link #edges()}): post-processing of
   * the released histogram only.
   */
  static Bounds readOff(
      double[] noisy, double binNoiseStd, double beta, double epsilon, long lInf) {
    if (noisy.length != BINS) {
      throw new IllegalStateException("expected " + BINS + " bins; got " + noisy.length);
    }
    double t = threshold(binNoiseStd, beta);
    int first = -1;
    int last = -1;
    for (int j = 0; j < BINS; j++) {
      if (noisy[j] > t) {
        first = first < 0 ? j : first;
        last = j;
      }
    }
    String how =
        String.format(
            Locale.ROOT,
            "%d signed power-of-two bins, noisy count > %.4g (empty-bin probability %.3g, bin noise"
                + " std %.4g), epsilon=%s, Linf=%d",
            BINS,
            t,
            beta,
            binNoiseStd,
            epsilon,
            lInf);
    if (first < 0) {
      return new Bounds(Double.NaN, Double.NaN, epsilon, false, "no bin passed: " + how);
    }
    double[] edges = edges();
    return new Bounds(edges[first], edges[last + 1], epsilon, true, how);
  }
}
