package org.privspark.spark.sql;

import java.io.Serializable;

/**
 * How one kept row adds to one per-(unit, group) partial aggregate: its clamped value, its
 * clamped value minus the midpoint, the square of that, or 1 if it falls in a histogram bin; each
 * times 2^-scale.
 *
 * <p><b>Sums that cannot overflow.</b> With bounds near {@code Double.MAX_VALUE} a plain sum of
 * doubles overflows to ±∞, and +∞ plus −∞ is NaN, which no mechanism can release. So every
 * contribution is multiplied by 2^-scale, where scale ({@link #scaleFor}) depends only on the
 * measurement's sensitivity, a public number: 2^63 contributions of the largest allowed size then
 * add up to less than 2^1020, so neither a unit's partial sum nor Spark's sum over units ever
 * overflows, and no NaN can arise. The noise step multiplies back by 2^scale and clamps to
 * ±{@code Double.MAX_VALUE} ({@link #unscaled}). Scaling by a power of two is exact (short of
 * values below 2^(scale − 1022), which lose bits far below the noise grid, about Δ/ε·2^-40), and
 * the final clamp is 1-Lipschitz: if two neighbouring data sets' sums differ by at most Δ, their
 * clamped sums do too, so the sensitivity argument is unchanged. scale is 0 unless the
 * sensitivity exceeds about 2^955 (≈ 10^287).
 *
 * @param kind what is added
 * @param value index of the value among the row's value columns
 * @param lower lower clamping bound (sums only)
 * @param upper upper clamping bound (sums only)
 * @param midpoint the statistic's midpoint (centred sums only)
 * @param edges bin edges (bins only)
 * @param bin bin index (bins only)
 * @param scale contributions are multiplied by 2^-scale ({@link #scaleFor})
 */
record PartialColumn(Kind kind, int value, double lower, double upper, double midpoint, double[] edges,
    int bin, int scale)
    implements Serializable {

  enum Kind { CLAMPED, CENTERED, CENTERED_SQUARE, IN_BIN }

  static PartialColumn sum(Kind kind, int value, Aggregate a, int scale) {
    // Only centred sums have a midpoint (a plain sum's bounds may be too wide for one).
    double midpoint = kind == Kind.CLAMPED ? Double.NaN : a.midpoint();
    return new PartialColumn(kind, value, a.lower(), a.upper(), midpoint, new double[0], -1, scale);
  }

  static PartialColumn bin(int value, double[] edges, int bin, int scale) {
    return new PartialColumn(Kind.IN_BIN, value, Double.NaN, Double.NaN, Double.NaN, edges, bin, scale);
  }

  /** What a row with value {@code v} adds to this partial (times 2^-scale). */
  double of(double v) {
    if (kind == Kind.IN_BIN) {
      return inBin(v) ? Math.scalb(1.0, -scale) : 0;
    }
    double clamped = Math.max(lower, Math.min(upper, v));
    double contribution = switch (kind) {
      case CLAMPED -> clamped;
      case CENTERED -> clamped - midpoint;
      default -> (clamped - midpoint) * (clamped - midpoint);
    };
    return Math.scalb(contribution, -scale);
  }

  /**
   * The scale of a measurement whose sensitivity (over all groups of one unit) is {@code
   * sensitivity}. One unit adds at most the sensitivity to one group (L0 and √L0 are ≥ 1), which is
   * below 2^(e+1) for e its binary exponent, and a group has fewer than 2^63 contributions: their
   * sum times 2^-scale stays below 2^(e + 64 − scale) ≤ 2^1020, leaving room for rounding.
   */
  static int scaleFor(double sensitivity) {
    return Math.max(0, Math.getExponent(sensitivity) + 68 - Double.MAX_EXPONENT - 1);
  }

  /**
   * A scaled sum multiplied back by 2^scale, as a finite double: ±∞ (a sum beyond the double
   * range) becomes ±{@code Double.MAX_VALUE}. NaN cannot arise from scaled sums; were it to, it
   * would become 0, so that the noise step has no failure that depends on the data.
   */
  static double unscaled(double scaledSum, int scale) {
    double v = Math.scalb(scaledSum, scale);
    if (Double.isNaN(v)) {
      return 0;
    }
    return Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, v));
  }

  /** Bin j of [e₀, e₁), …, [e_{n−1}, e_n]; out-of-range values join the first or last bin. */
  private boolean inBin(double v) {
    int bins = edges.length - 1;
    return (bin == 0 || v >= edges[bin]) && (bin == bins - 1 || v < edges[bin + 1]);
  }
}
