package org.privspark.core.aggregation;

import org.apache.commons.math3.special.Erf;
import org.privspark.core.Check;
import org.privspark.core.mechanism.NoisyVector;

/**
 * Quantiles read off a noisy histogram of B bins over public edges: the computation dp-spark's
 * {@code NoiseStage} runs for {@code PrivateAggregation.quantiles}, in plain Java. Everything here
 * is post-processing of the noisy bin counts and public parameters, so it costs nothing beyond the
 * histogram's own event.
 *
 * <p><b>Value.</b> Negative noisy counts are read as 0; the value at rank r is found by linear
 * interpolation in the first non-empty bin whose cumulative count reaches r·total (the midpoint of
 * [edges[0], edges[B]] when every count is ≤ 0).
 *
 * <p><b>Interval (95%).</b> Every bin's noise is within ±h with probability ≥ 1 − 0.05/B (h the
 * noise's half-width at that level), so by a union bound over the B bins, with probability ≥ 95%
 * the true cumulative count C_j lies within Ĉ_j ± j·h for every j (Ĉ the raw noisy sums, negatives
 * kept) and the true total N within N̂ ± B·h. The true quantile then lies between the last edge
 * whose upper bound Ĉ_j + j·h stays below r·N_low and the first edge whose lower bound Ĉ_j − j·h
 * reaches r·N_high (N_low = max(0, N̂ − B·h), N_high = N̂ + B·h). The interval is widened to
 * contain the value. The bound holds for all ranks at once.
 *
 * <p><b>Noise std, in the value's units.</b> A first-order (delta-method) figure, as for means,
 * plus a term for the bin's sign. The released value is v = e_k + w·f with f = (r·N̂ − Ĉ_k) / n̂_k,
 * the fraction of bin k (of width w, clamped noisy count n̂_k) below it. Its derivative in each
 * bin's noise is w/n̂_k times (r − 1) for the k bins below, r for the B − k − 1 above, and (r − f)
 * for bin k itself (the count moves both the target and the bin's slope), so the first-order std is
 * σ_bin·(w/n̂_k)·√((1 − r)²·k + r²·(B − k − 1) + (r − f)²). At the extreme ranks that is 0 (the
 * maximum is the top edge of the highest positive bin, flat in every count), but the value jumps by
 * at least a bin when bin k's noisy count changes sign, which a normal approximation puts at
 * probability p = Φ(−n̂_k/σ_bin); the jump adds w²·p(1 − p) to the variance. The result is capped
 * at half the range (the value cannot leave the edges), and is half the range when every noisy
 * count is ≤ 0. It is symmetric: rank r of a histogram and rank 1 − r of its mirror image get the
 * same figure. It is read off the noisy counts and public parameters only, so it is post-processing
 * too, and it is in the quantile's units, next to which it is released. Unlike the 95% interval it
 * is an approximation, not a bound: where the data are sparse it understates the error.
 */
public final class HistogramQuantiles {
  /** The confidence level of the interval. */
  public static final double LEVEL = 0.95;

  private HistogramQuantiles() {}

  /**
   * The quantiles of the histogram {@code bins} at {@code ranks}.
   *
   * @param bins the noisy bin counts, B ≥ 1 of them
   * @param edges B + 1 public, non-decreasing, finite bin edges
   * @param ranks ranks in [0, 1]
   * @throws IllegalArgumentException if edges does not have B + 1 finite non-decreasing entries or
   *     a rank is outside [0, 1] (public parameters only: nothing private is read before the
   *     checks)
   */
  public static QuantileEstimate of(NoisyVector bins, double[] edges, double[] ranks) {
    Check.notNull("bins", bins);
    Check.notNull("edges", edges);
    Check.notNull("ranks", ranks);
    int b = bins.size();
    if (edges.length != b + 1) {
      throw new IllegalArgumentException(
          "edges must hold one more entry than bins (" + (b + 1) + "); got " + edges.length);
    }
    for (int j = 0; j < edges.length; j++) {
      if (!Double.isFinite(edges[j]) || (j > 0 && edges[j] < edges[j - 1])) {
        throw new IllegalArgumentException(
            "edges must be finite and non-decreasing; entry " + j + " is " + edges[j]);
      }
    }
    for (double r : ranks) {
      Check.inClosed("every rank", r, 0, 1);
    }
    double[] n = bins.values();
    double[] cum = new double[b + 1];
    double[] raw = new double[b + 1];
    for (int j = 0; j < b; j++) {
      cum[j + 1] = cum[j] + Math.max(n[j], 0);
      raw[j + 1] = raw[j] + n[j];
    }
    double h = bins.noise().halfWidth(1 - (1 - LEVEL) / b);
    double[] value = new double[ranks.length];
    double[] lo = new double[ranks.length];
    double[] hi = new double[ranks.length];
    double[] std = new double[ranks.length];
    for (int r = 0; r < ranks.length; r++) {
      double rank = ranks[r];
      value[r] = interpolate(cum, edges, rank * cum[b]);
      double[] wide = interval(raw, edges, rank, h);
      lo[r] = Math.min(wide[0], value[r]);
      hi[r] = Math.max(wide[1], value[r]);
      std[r] = valueStd(cum, edges, rank, bins.noiseStd());
    }
    return new QuantileEstimate(value, std, lo, hi);
  }

  /**
   * The edges between which the quantile at {@code rank} lies when every bin's noise is within ±h
   * (the class Javadoc's union bound): {lower edge, upper edge}.
   */
  private static double[] interval(double[] raw, double[] edges, double rank, double h) {
    int b = raw.length - 1;
    double nLow = Math.max(0, raw[b] - b * h);
    double nHigh = raw[b] + b * h;
    double lo = edges[0];
    for (int j = 1; j <= b; j++) {
      if (raw[j] + j * h < rank * nLow) {
        lo = edges[j];
      }
    }
    double hi = edges[b];
    for (int j = b; j >= 1; j--) {
      if (raw[j] - j * h >= rank * nHigh) {
        hi = edges[j];
      }
    }
    return new double[] {lo, hi};
  }

  /** The std of the quantile at {@code rank}, in the value's units (class Javadoc). */
  private static double valueStd(double[] cum, double[] edges, double rank, double binStd) {
    int b = cum.length - 1;
    double halfRange = (edges[b] - edges[0]) / 2;
    if (cum[b] <= 0) {
      return halfRange;
    }
    int k = b - 1;
    for (int j = 1; j <= b; j++) {
      if (cum[j] >= rank * cum[b] && cum[j] > cum[j - 1]) {
        k = j - 1;
        break;
      }
    }
    double width = edges[k + 1] - edges[k];
    double count = cum[k + 1] - cum[k];
    if (!(count > 0) || !(width > 0)) {
      return halfRange;
    }
    double f = Math.max(0, Math.min(1, (rank * cum[b] - cum[k]) / count));
    double slope =
        (1 - rank) * (1 - rank) * k + rank * rank * (b - k - 1) + (rank - f) * (rank - f);
    double firstOrder = binStd * Math.sqrt(slope) / count;
    // P(bin k's noisy count has the other sign), normal approximation: Φ(−count/σ) = erfc(x/√2)/2.
    double flip = binStd > 0 ? 0.5 * Erf.erfc(count / (binStd * Math.sqrt(2))) : 0;
    double std = width * Math.hypot(firstOrder, Math.sqrt(flip * (1 - flip)));
    return Double.isNaN(std) ? halfRange : Math.min(halfRange, std);
  }

  /**
   * Linear interpolation of {@code target} in the cumulative counts {@code cum} over {@code edges}.
   */
  static double interpolate(double[] cum, double[] edges, double target) {
    int b = cum.length - 1;
    if (cum[b] <= 0) {
      return edges[0] + (edges[b] - edges[0]) / 2;
    }
    for (int j = 1; j <= b; j++) {
      if (cum[j] >= target && cum[j] > cum[j - 1]) {
        double fraction = (target - cum[j - 1]) / (cum[j] - cum[j - 1]);
        return edges[j - 1] + Math.max(0, Math.min(1, fraction)) * (edges[j] - edges[j - 1]);
      }
    }
    return edges[b];
  }
}
