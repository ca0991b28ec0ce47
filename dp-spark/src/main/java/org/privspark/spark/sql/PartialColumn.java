package org.privspark.spark.sql;

import java.io.Serializable;

/**
 * How one kept row adds to one per-(unit, group) partial aggregate: its clamped value, its
 * clamped value minus the midpoint, the square of that, or 1 if it falls in a histogram bin.
 *
 * @param kind what is added
 * @param value index of the value among the row's value columns
 * @param lower lower clamping bound (sums only)
 * @param upper upper clamping bound (sums only)
 * @param midpoint the statistic's midpoint (centred sums only)
 * @param edges bin edges (bins only)
 * @param bin bin index (bins only)
 */
record PartialColumn(Kind kind, int value, double lower, double upper, double midpoint, double[] edges,
    int bin)
    implements Serializable {

  enum Kind { CLAMPED, CENTERED, CENTERED_SQUARE, IN_BIN }

  static PartialColumn sum(Kind kind, int value, Aggregate a) {
    return new PartialColumn(kind, value, a.lower(), a.upper(), a.midpoint(), new double[0], -1);
  }

  static PartialColumn bin(int value, double[] edges, int bin) {
    return new PartialColumn(Kind.IN_BIN, value, Double.NaN, Double.NaN, Double.NaN, edges, bin);
  }

  /** What a row with value {@code v} adds to this partial. */
  double of(double v) {
    if (kind == Kind.IN_BIN) {
      return inBin(v) ? 1 : 0;
    }
    double clamped = Math.max(lower, Math.min(upper, v));
    return switch (kind) {
      case CLAMPED -> clamped;
      case CENTERED -> clamped - midpoint;
      default -> (clamped - midpoint) * (clamped - midpoint);
    };
  }

  /** Bin j of [e₀, e₁), …, [e_{n−1}, e_n]; out-of-range values join the first or last bin. */
  private boolean inBin(double v) {
    int bins = edges.length - 1;
    return (bin == 0 || v >= edges[bin]) && (bin == bins - 1 || v < edges[bin + 1]);
  }
}
