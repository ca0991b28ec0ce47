package org.privspark.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.noise.Secret;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * One DP query of a job: group keys, statistics, contribution bounds, ε, δ and noise. The {@code
 * aggregate} job builds one from its options, the {@code report} job reads several from a JSON
 * query file (field names as the record components; {@code groupBy}, {@code publicGroups}, {@code
 * maxGroupsContributed}, {@code maxContributionsPerGroup} and {@code delta} are optional).
 *
 * <p>The record checks what it can without data (a name usable as a file name, at least one
 * statistic, L0, L∞ ≥ 1); everything else ({@code epsilon}, {@code delta}, columns and their types,
 * public-group columns) is checked by {@link PrivateAggregation#cost()} in {@link #build}, before
 * anything is charged.
 *
 * @param name the result's name: its directory and receipt are {@code OUTPUT/<name>} and {@code
 *     OUTPUT/<name>.receipt.json}; 1 to 64 of {@code A-Za-z0-9._-}, not starting with '.' or '_'
 * @param groupBy the group key columns; empty for one global row
 * @param publicGroups a CSV (header) or Parquet file of the public group keys; null for private
 *     partition selection (which needs δ &gt; 0)
 * @param statistics the statistics, at least one
 * @param maxGroupsContributed L0, &ge; 1
 * @param maxContributionsPerGroup L∞, &ge; 1
 * @param epsilon the ε this query spends
 * @param delta the δ this query spends
 * @param noise Laplace or Gaussian noise, or AUTO for the one with the smaller predicted error
 */
public record QuerySpec(
    String name,
    List<String> groupBy,
    String publicGroups,
    List<StatisticSpec> statistics,
    long maxGroupsContributed,
    long maxContributionsPerGroup,
    double epsilon,
    double delta,
    NoiseKind noise) {

  /** Validates the data-independent parts; see the class comment. */
  public QuerySpec {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException(
          "query name must be 1 to 64 characters of A-Za-z0-9._- starting with a"
              + " letter or digit (it names the output directory); got "
              + (name == null ? "nothing" : "'" + name + "'"));
    }
    groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    if (statistics == null || statistics.isEmpty()) {
      throw new IllegalArgumentException(
          "query '" + name + "' must ask for at least one statistic; got none");
    }
    statistics = List.copyOf(statistics);
    if (maxGroupsContributed < 1) {
      throw new IllegalArgumentException(
          "maxGroupsContributed of query '" + name + "' must be >= 1; got " + maxGroupsContributed);
    }
    if (maxContributionsPerGroup < 1) {
      throw new IllegalArgumentException(
          "maxContributionsPerGroup of query '"
              + name
              + "' must be >= 1; got "
              + maxContributionsPerGroup);
    }
    if (noise == null) {
      throw new IllegalArgumentException(
          "noise of query '" + name + "' must be laplace, gaussian or auto; got nothing");
    }
    if (publicGroups != null && groupBy.isEmpty()) {
      throw new IllegalArgumentException(
          "publicGroups of query '" + name + "' needs group keys (groupBy); got none");
    }
  }

  /** The JSON form of a query in a report's query file. */
  @JsonCreator
  static QuerySpec fromJson(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty("groupBy") List<String> groupBy,
      @JsonProperty("publicGroups") String publicGroups,
      @JsonProperty(value = "statistics", required = true) List<StatisticSpec> statistics,
      @JsonProperty("maxGroupsContributed") Long l0,
      @JsonProperty("maxContributionsPerGroup") Long lInf,
      @JsonProperty(value = "epsilon", required = true) double epsilon,
      @JsonProperty("delta") Double delta,
      @JsonProperty("noise") String noise) {
    return new QuerySpec(
        name,
        groupBy,
        publicGroups,
        statistics,
        l0 == null ? 1 : l0,
        lInf == null ? 1 : lInf,
        epsilon,
        delta == null ? 0 : delta,
        noise == null ? NoiseKind.LAPLACE : noise(noise));
  }

  /**
   * {@code laplace}, {@code gaussian} or {@code auto} (the planner picks by predicted error), any
   * case.
   */
  static NoiseKind noise(String text) {
    try {
      return NoiseKind.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "noise must be laplace, gaussian or auto; got '" + text + "'");
    }
  }

  /**
   * The query on {@code data}, charged to {@code budget} when run. Validates everything through
   * {@link PrivateAggregation#cost()}, which reads no data and charges nothing.
   *
   * @param unit what the release claims to protect: the unit {@code unitColumn} identifies (--unit)
   * @param keys the public groups read from {@link #publicGroups}, or null
   * @param secret the release secret, or null for a fresh one
   * @throws IllegalArgumentException naming the first invalid parameter
   */
  PrivateAggregation build(
      Dataset<Row> data,
      String unitColumn,
      UnitClaim unit,
      PrivacyBudget budget,
      Dataset<Row> keys,
      Secret secret) {
    try {
      PrivateDataFrame frame =
          PrivateDataFrame.of(data, unitColumn, unit, budget)
              .maxGroupsContributed(maxGroupsContributed)
              .maxContributionsPerGroup(maxContributionsPerGroup);
      PrivateAggregation q =
          groupBy.isEmpty() ? frame.aggregate() : frame.groupBy(groupBy.toArray(String[]::new));
      for (StatisticSpec s : statistics) {
        s.addTo(q);
      }
      q.epsilon(epsilon).delta(delta).noise(noise);
      if (keys != null) {
        q.publicGroups(keys);
      }
      if (secret != null) {
        q.releaseSecret(secret);
      }
      q.cost();
      return q;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Checks that every column the query names is in {@code schema} (the input's header or footer:
   * public), suggesting the nearest name for a misspelt one.
   *
   * @param unitColumn the privacy-unit column
   * @param inFile whether the query comes from a query file (the message then names its fields)
   * @throws IllegalArgumentException naming the column, and the nearest one if there is one
   */
  void requireColumns(StructType schema, String unitColumn, boolean inFile) {
    String where = inFile ? "query '" + name + "': " : "";
    Columns.require(schema, unitColumn, "--privacy-unit");
    for (String g : groupBy) {
      Columns.require(schema, g, where + (inFile ? "groupBy" : "--group-by"));
    }
    for (StatisticSpec s : statistics) {
      Columns.require(
          schema, s.column(), where + (inFile ? "statistic " + s.kind().label() : "--stat " + s));
    }
  }

  /**
   * The output names of the statistics to release rounded, from the built query's names (same
   * order).
   */
  List<String> roundedNames(PrivateAggregation built) {
    List<String> names = built.statisticNames();
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < statistics.size(); i++) {
      if (statistics.get(i).round()) {
        out.add(names.get(i));
      }
    }
    return out;
  }

  /** A one-line description, recorded (as a salted commitment) in the ledger entry of a report. */
  String describe() {
    return name
        + ": "
        + (groupBy.isEmpty()
            ? "aggregate"
            : "groupBy "
                + String.join(",", groupBy)
                + (publicGroups != null
                    ? " (public groups " + publicGroups + ")"
                    : " (private groups)"))
        + "; stats "
        + statistics
        + "; epsilon="
        + epsilon
        + " delta="
        + delta
        + " noise="
        + noise
        + " L0="
        + maxGroupsContributed
        + " Linf="
        + maxContributionsPerGroup
        + (statistics.stream().anyMatch(StatisticSpec::round) ? " (counts rounded)" : "");
  }
}
