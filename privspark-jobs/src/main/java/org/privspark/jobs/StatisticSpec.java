package org.privspark.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.privspark.spark.sql.PrivateAggregation;

/**
 * One statistic of a job's query: what it computes, on which column, within which bounds. The
 * {@code aggregate} job reads it from {@code --stat KIND[:COLUMN:LOWER:UPPER[:RANK,RANK...]]}, the
 * {@code report} job from JSON ({@code {"kind": "mean", "column": "age", "lower": 17, "upper":
 * 90}}).
 *
 * <p>This record checks only the shape (a kind that needs a column has one, bounds are finite with
 * lower &lt; upper, ranks are in [0, 1]); {@link PrivateAggregation} checks the column against the
 * data (exists, numeric) when the query is built, before anything is charged.
 *
 * @param kind the statistic
 * @param column the value column; null for {@link Kind#COUNT} and {@link Kind#COUNT_DISTINCT_UNITS}
 * @param lower the lower clamping bound (NaN for the counts)
 * @param upper the upper clamping bound (NaN for the counts)
 * @param ranks the ranks of {@link Kind#QUANTILES}, each in [0, 1]; empty otherwise
 * @param round release a count as an integer, its interval rounded outward ({@link CountRounding});
 *     counts only
 */
public record StatisticSpec(
    Kind kind, String column, double lower, double upper, List<Double> ranks, boolean round) {

  /** The statistics a job can ask for, with their command-line and JSON names. */
  public enum Kind {
    COUNT("count"),
    COUNT_DISTINCT_UNITS("count-distinct-units"),
    SUM("sum"),
    MEAN("mean"),
    VARIANCE("variance"),
    STDDEV("stddev"),
    QUANTILES("quantiles");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name used on the command line and in query files, e.g. {@code count-distinct-units}. */
    public String label() {
      return label;
    }

    boolean valued() {
      return this != COUNT && this != COUNT_DISTINCT_UNITS;
    }

    static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "statistic must be one of " + labels() + "; got '" + label + "'");
    }

    static String labels() {
      return Arrays.stream(values()).map(Kind::label).toList().toString();
    }
  }

  /** The command-line syntax, for usage messages. */
  public static final String SYNTAX =
      "count | count-distinct-units | sum:COL:LO:HI | mean:COL:LO:HI"
          + " | variance:COL:LO:HI | stddev:COL:LO:HI | quantiles:COL:LO:HI:R1,R2,...";

  /** Validates the shape; see the class comment. */
  public StatisticSpec {
    if (kind == null) {
      throw new IllegalArgumentException(
          "statistic kind must be one of " + Kind.labels() + "; got nothing");
    }
    ranks = ranks == null ? List.of() : List.copyOf(ranks);
    if (!kind.valued()) {
      if (column != null) {
        throw new IllegalArgumentException(
            "statistic " + kind.label() + " takes no column; got '" + column + "'");
      }
      lower = Double.NaN;
      upper = Double.NaN;
    } else {
      if (column == null || column.isEmpty()) {
        throw new IllegalArgumentException(
            "statistic " + kind.label() + " needs a column; got none");
      }
      if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
        throw new IllegalArgumentException(
            "bounds of "
                + kind.label()
                + " of '"
                + column
                + "' must be finite with lower < upper; got ["
                + lower
                + ", "
                + upper
                + "]");
      }
    }
    if (kind == Kind.QUANTILES && ranks.isEmpty()) {
      throw new IllegalArgumentException(
          "quantiles of '" + column + "' need at least one rank in [0, 1]; got none");
    }
    if (round && kind.valued()) {
      throw new IllegalArgumentException(
          "statistic "
              + kind.label()
              + " of '"
              + column
              + "' cannot be rounded;"
              + " \"round\" applies to count and count-distinct-units");
    }
    if (kind != Kind.QUANTILES && !ranks.isEmpty()) {
      throw new IllegalArgumentException(
          "statistic " + kind.label() + " takes no ranks; got " + ranks);
    }
    for (Double r : ranks) {
      if (r == null || !(r >= 0 && r <= 1)) {
        throw new IllegalArgumentException(
            "ranks of quantiles of '" + column + "' must be in [0, 1]; got " + r);
      }
    }
  }

  /**
   * The JSON form: {@code kind}, and {@code column}, {@code lower}, {@code upper}, {@code ranks} as
   * needed.
   */
  @JsonCreator
  static StatisticSpec fromJson(
      @JsonProperty(value = "kind", required = true) String kind,
      @JsonProperty("column") String column,
      @JsonProperty("lower") Double lower,
      @JsonProperty("upper") Double upper,
      @JsonProperty("ranks") List<Double> ranks,
      @JsonProperty("round") Boolean round) {
    Kind k = Kind.of(kind);
    if (k.valued() && (lower == null || upper == null)) {
      throw new IllegalArgumentException(
          "statistic "
              + kind
              + " needs \"lower\" and \"upper\"; got "
              + (lower == null ? "no lower" : "no upper"));
    }
    return new StatisticSpec(
        k,
        column,
        lower == null ? Double.NaN : lower,
        upper == null ? Double.NaN : upper,
        ranks,
        round != null && round);
  }

  /**
   * Parses the command-line form {@code KIND[:COLUMN:LOWER:UPPER[:RANK,RANK...]]}, for example
   * {@code count}, {@code mean:age:17:90} or {@code quantiles:age:17:90:0.5,0.9}.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static StatisticSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("--stat must be " + SYNTAX + "; got nothing");
    }
    String[] parts = text.split(":", -1);
    Kind kind = Kind.of(parts[0].trim().toLowerCase(Locale.ROOT));
    if (!kind.valued()) {
      if (parts.length != 1) {
        throw new IllegalArgumentException(
            "--stat " + kind.label() + " takes no column or bounds; got '" + text + "'");
      }
      return new StatisticSpec(kind, null, Double.NaN, Double.NaN, List.of(), false);
    }
    int expected = kind == Kind.QUANTILES ? 5 : 4;
    if (parts.length != expected) {
      throw new IllegalArgumentException(
          "--stat must be "
              + (kind == Kind.QUANTILES
                  ? "quantiles:COL:LO:HI:R1,R2,..."
                  : kind.label() + ":COL:LO:HI")
              + "; got '"
              + text
              + "'");
    }
    double lower = number("lower bound", parts[2], text);
    double upper = number("upper bound", parts[3], text);
    List<Double> ranks = List.of();
    if (kind == Kind.QUANTILES) {
      ranks = Arrays.stream(parts[4].split(",", -1)).map(r -> number("rank", r, text)).toList();
    }
    return new StatisticSpec(kind, parts[1], lower, upper, ranks, false);
  }

  private static double number(String what, String value, String text) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--stat " + what + " must be a number; got '" + value + "' in '" + text + "'");
    }
  }

  /**
   * This statistic, rounded if it is a count ({@code --round-counts}); a valued statistic as it is.
   */
  StatisticSpec roundedIfCount() {
    return kind.valued() ? this : new StatisticSpec(kind, column, lower, upper, ranks, true);
  }

  /** Adds this statistic to {@code query}. */
  PrivateAggregation addTo(PrivateAggregation query) {
    return switch (kind) {
      case COUNT -> query.count();
      case COUNT_DISTINCT_UNITS -> query.countDistinctUnits();
      case SUM -> query.sum(column, lower, upper);
      case MEAN -> query.mean(column, lower, upper);
      case VARIANCE -> query.variance(column, lower, upper);
      case STDDEV -> query.stddev(column, lower, upper);
      case QUANTILES ->
          query.quantiles(
              column, lower, upper, ranks.stream().mapToDouble(Double::doubleValue).toArray());
    };
  }

  /** The command-line form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    if (!kind.valued()) {
      return kind.label();
    }
    String s = kind.label() + ":" + column + ":" + lower + ":" + upper;
    return kind == Kind.QUANTILES
        ? s + ":" + String.join(",", ranks.stream().map(String::valueOf).toList())
        : s;
  }
}
