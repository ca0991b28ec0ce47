package org.privspark.spark.sql;

import java.io.Serializable;
import org.privspark.core.aggregation.Quantity;

/**
 * How one kept row adds to one per-(unit, group) partial aggregate, as an integer: its clamped
 * value, its clamped value minus the midpoint, or the square of that, each snapped to the
 * measurement's public grid ({@link InputGrid#snap}); or 1 if it falls in a histogram bin.
 *
 * <p><b>Sums that are exact.</b> Partials and Spark's sums of them over units are sums of these
 * integers, exact and independent of the order of their terms, so two neighbouring data sets'
 * totals differ by at most the grid's {@link InputGrid#unitUnits} per group the unit is in; the
 * mechanism's sensitivity is that bound times the grid step, rounded up ({@link
 * InputGrid#groupBound}). Floating point no longer enters a sum: no rounding to widen the
 * difference, no overflow, no NaN.
 *
 * @param kind what is added
 * @param value index of the value among the row's value columns
 * @param lower lower clamping bound (sums only)
 * @param upper upper clamping bound (sums only)
 * @param midpoint the statistic's midpoint (centred sums only)
 * @param edges bin edges (bins only)
 * @param bin bin index (bins only)
 * @param grid the measurement's input grid (sums only; counts for bins)
 */
record PartialColumn(
    Kind kind,
    int value,
    double lower,
    double upper,
    double midpoint,
    double[] edges,
    int bin,
    InputGrid grid)
    implements Serializable {

  enum Kind {
    CLAMPED,
    CENTERED,
    CENTERED_SQUARE,
    IN_BIN
  }

  /**
   * The partial of a sum quantity (clamped, centred or centred squares) of value column {@code
   * value}.
   */
  static PartialColumn sum(Quantity q, int value, InputGrid grid) {
    Kind kind =
        switch (q.kind()) {
          case SUM -> Kind.CLAMPED;
          case CENTRED_SUM -> Kind.CENTERED;
          case CENTRED_SQUARES -> Kind.CENTERED_SQUARE;
          default -> throw new IllegalArgumentException("not a sum: " + q);
        };
    // Only centred sums have a midpoint (a plain sum's bounds may be too wide for one).
    double midpoint = kind == Kind.CLAMPED ? Double.NaN : q.centering().midpoint();
    return new PartialColumn(kind, value, q.lower(), q.upper(), midpoint, new double[0], -1, grid);
  }

  static PartialColumn bin(int value, double[] edges, int bin, InputGrid grid) {
    return new PartialColumn(
        Kind.IN_BIN, value, Double.NaN, Double.NaN, Double.NaN, edges, bin, grid);
  }

  /** What a row with value {@code v} adds to this partial, in units of the grid. */
  long units(double v) {
    if (kind == Kind.IN_BIN) {
      return inBin(v) ? 1 : 0;
    }
    return grid.snap(of(v));
  }

  /**
   * The row's contribution before snapping, as floating point computes it: clamp(v), fl(clamp(v) −
   * m) or its square, each bounded by the per-row bound its grid was made for (dp-core {@code
   * Centering} proves the centred bounds).
   */
  double of(double v) {
    double clamped = Math.max(lower, Math.min(upper, v));
    return switch (kind) {
      case CLAMPED -> clamped;
      case CENTERED -> clamped - midpoint;
      case CENTERED_SQUARE -> (clamped - midpoint) * (clamped - midpoint);
      case IN_BIN -> throw new IllegalStateException("a bin counts rows");
    };
  }

  /** Bin j of [e₀, e₁), …, [e_{n−1}, e_n]; out-of-range values join the first or last bin. */
  private boolean inBin(double v) {
    int bins = edges.length - 1;
    return (bin == 0 || v >= edges[bin]) && (bin == bins - 1 || v < edges[bin + 1]);
  }
}
