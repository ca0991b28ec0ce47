package org.privspark.core.aggregation;

import java.io.Serializable;
import java.util.Arrays;
import org.privspark.core.mechanism.Centering;

/**
 * One quantity a private aggregation measures with noise, once per group: the rows, the units, a
 * clamped sum, a centred sum or centred squares of a column, or a histogram. Statistics are derived
 * from these by post-processing ({@link Statistic}); two statistics that need the same quantity
 * share one measurement of it.
 *
 * <p>Two quantities are equal when their {@link #name()}s are; the name also names every noise cell
 * of the measurement.
 *
 * @param kind what is measured
 * @param column the value column, or null for rows and units
 * @param lower the clamping lower bound (sums) or the first bin edge (histograms); NaN for counts
 * @param upper the clamping upper bound or the last bin edge; NaN for counts
 * @param edges the bin edges of a histogram; empty otherwise
 */
public record Quantity(Kind kind, String column, double lower, double upper, double[] edges)
    implements Serializable {

  /** What a quantity measures per group. */
  public enum Kind {
    /** Kept rows. */
    ROWS,
    /** Distinct privacy units. */
    UNITS,
    /** Σ clamp(v). */
    SUM,
    /** Σ (clamp(v) − m), m the midpoint of the bounds (the midpoint trick). */
    CENTRED_SUM,
    /** Σ (clamp(v) − m)². */
    CENTRED_SQUARES,
    /** Kept rows per bin. */
    HISTOGRAM
  }

  /** The number of kept rows. */
  public static final Quantity ROWS =
      new Quantity(Kind.ROWS, null, Double.NaN, Double.NaN, new double[0]);

  /** The number of distinct privacy units. */
  public static final Quantity UNITS =
      new Quantity(Kind.UNITS, null, Double.NaN, Double.NaN, new double[0]);

  public Quantity {
    edges = edges.clone();
  }

  public static Quantity sum(String column, double lower, double upper) {
    return new Quantity(Kind.SUM, column, lower, upper, new double[0]);
  }

  public static Quantity centredSum(String column, double lower, double upper) {
    return new Quantity(Kind.CENTRED_SUM, column, lower, upper, new double[0]);
  }

  public static Quantity centredSquares(String column, double lower, double upper) {
    return new Quantity(Kind.CENTRED_SQUARES, column, lower, upper, new double[0]);
  }

  public static Quantity histogram(String column, double[] edges) {
    return new Quantity(Kind.HISTOGRAM, column, edges[0], edges[edges.length - 1], edges);
  }

  @Override
  public double[] edges() {
    return edges.clone();
  }

  /** Values per group: the number of bins of a histogram, else 1. */
  public int dimension() {
    return kind == Kind.HISTOGRAM ? edges.length - 1 : 1;
  }

  /** The centring of a centred quantity's values, with its exact bound ({@link Centering}). */
  public Centering centering() {
    return Centering.of(lower, upper);
  }

  /** The quantity's name: stable, and part of the identity of every noise cell it draws. */
  public String name() {
    return switch (kind) {
      case ROWS -> "rows";
      case UNITS -> "units";
      case SUM -> "sum[" + column + "," + lower + "," + upper + "]";
      case CENTRED_SUM -> "csum[" + column + "," + lower + "," + upper + "]";
      case CENTRED_SQUARES -> "csq[" + column + "," + lower + "," + upper + "]";
      case HISTOGRAM -> "hist[" + column + "," + Arrays.toString(edges) + "]";
    };
  }

  // Equal exactly when the names are, compared without building them: the planner and the
  // estimators look quantities up once per group and statistic.
  @Override
  public boolean equals(Object o) {
    return o instanceof Quantity q
        && q.kind == kind
        && java.util.Objects.equals(q.column, column)
        && Double.compare(q.lower, lower) == 0
        && Double.compare(q.upper, upper) == 0
        && Arrays.equals(q.edges, edges);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, column, lower, upper, Arrays.hashCode(edges));
  }

  @Override
  public String toString() {
    return name();
  }
}
