package org.privspark.spark.sql;

import java.io.Serializable;
import org.privspark.core.aggregation.BoundedCount;
import org.privspark.core.aggregation.BoundedMean;
import org.privspark.core.aggregation.BoundedSum;
import org.privspark.core.aggregation.BoundedVariance;
import org.privspark.core.aggregation.DistinctUnitCount;
import org.privspark.core.aggregation.Histogram;
import org.privspark.core.aggregation.Quantiles;
import org.privspark.core.aggregation.Quantity;
import org.privspark.core.aggregation.Statistic;

/**
 * One statistic a query asks for, and the measurements it is computed from.
 *
 * @param kind what to compute
 * @param column the value column, or null for counts
 * @param lower the public lower bound (values are clamped to it); NaN for counts
 * @param upper the public upper bound; NaN for counts
 * @param weight its share of the budget, relative to the other statistics
 * @param edges the public bin edges of a histogram (quantiles: {@value #QUANTILE_BINS} equal bins
 *     over [lower, upper]); empty for the other kinds
 * @param ranks the quantile ranks in [0, 1] of a quantiles statistic; empty otherwise
 */
record Aggregate(
    Kind kind,
    String column,
    double lower,
    double upper,
    double weight,
    double[] edges,
    double[] ranks)
    implements Serializable {

  enum Kind {
    COUNT,
    COUNT_DISTINCT_UNITS,
    SUM,
    MEAN,
    VARIANCE,
    STDDEV,
    QUANTILES,
    HISTOGRAM
  }

  /** Quantiles are read off a noisy histogram with this many equal bins over [lower, upper]. */
  static final int QUANTILE_BINS = Quantiles.BINS;

  Aggregate(Kind kind, String column, double lower, double upper, double weight) {
    this(kind, column, lower, upper, weight, new double[0], new double[0]);
  }

  Aggregate withWeight(double w) {
    return new Aggregate(kind, column, lower, upper, w, edges, ranks);
  }

  /** True for statistics whose value is an array (one entry per bin or per rank). */
  boolean isVector() {
    return kind == Kind.QUANTILES || kind == Kind.HISTOGRAM;
  }

  /** Number of bins of a histogram-based statistic. */
  int bins() {
    return edges.length - 1;
  }

  /** The output column's name. */
  String outputName() {
    return switch (kind) {
      case COUNT -> "count";
      case COUNT_DISTINCT_UNITS -> "count_distinct_units";
      case SUM -> "sum_" + column;
      case MEAN -> "mean_" + column;
      case VARIANCE -> "variance_" + column;
      case STDDEV -> "stddev_" + column;
      case QUANTILES -> "quantiles_" + column;
      case HISTOGRAM -> "histogram_" + column;
    };
  }

  /**
   * Readable and stable (arrays by value): the ledger commits to it as part of the query's
   * description.
   */
  @Override
  public String toString() {
    return "Aggregate[kind="
        + kind
        + ", column="
        + column
        + ", lower="
        + lower
        + ", upper="
        + upper
        + ", weight="
        + weight
        + (edges.length > 0 ? ", edges=" + java.util.Arrays.toString(edges) : "")
        + (ranks.length > 0 ? ", ranks=" + java.util.Arrays.toString(ranks) : "")
        + "]";
  }

  /** The statistic of dp-core this aggregate computes, with its derivations and estimator. */
  Statistic statistic() {
    return switch (kind) {
      case COUNT -> new BoundedCount();
      case COUNT_DISTINCT_UNITS -> new DistinctUnitCount();
      case SUM -> new BoundedSum(column, lower, upper);
      case MEAN -> new BoundedMean(column, lower, upper);
      case VARIANCE -> new BoundedVariance(column, lower, upper, false);
      case STDDEV -> new BoundedVariance(column, lower, upper, true);
      case QUANTILES -> new Quantiles(column, lower, upper, ranks);
      case HISTOGRAM -> new Histogram(column, edges);
    };
  }

  static final String ROWS = Quantity.ROWS.name();
  static final String UNITS = Quantity.UNITS.name();

  String sumName() {
    return Quantity.sum(column, lower, upper).name();
  }

  String centeredSumName() {
    return Quantity.centredSum(column, lower, upper).name();
  }

  String centeredSquaresName() {
    return Quantity.centredSquares(column, lower, upper).name();
  }
}
