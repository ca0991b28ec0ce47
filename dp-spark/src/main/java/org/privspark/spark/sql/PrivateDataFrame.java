package org.privspark.spark.sql;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;

/**
 * A {@code Dataset<Row>} whose rows belong to privacy units (people, devices, accounts), with the
 * budget every release from it is charged to. Statistics come out through {@link #groupBy} or
 * {@link #aggregate}, as a {@code Dataset<Row>} of noisy results.
 *
 * <p><b>Privacy unit.</b> Differential privacy protects the presence or absence of one unit, with
 * all of its rows (add/remove neighbours). Each unit's influence is bounded before aggregation: at
 * most {@link #maxGroupsContributed L0} groups and at most {@link #maxContributionsPerGroup L∞}
 * rows in each, chosen uniformly at random per release (not by data order); values are clamped to
 * the bounds each statistic declares.
 *
 * <p>The caller names the unit the column identifies ({@link #of(Dataset, String, String,
 * PrivacyBudget)}): a budget that protects another unit refuses the data frame at once, before any
 * data is read, and a ledger records the claim with every release.
 *
 * <p><b>Nulls.</b> Rows whose privacy unit is null are dropped, and so are rows whose value in any
 * column the query aggregates is null or NaN (a row-level filter, applied before bounding). A null
 * group key is a group of its own.
 *
 * <p>Immutable: the setters return a copy. Thread-safe as far as Spark's {@code Dataset} is.
 */
public final class PrivateDataFrame {
  private final Dataset<Row> data;
  private final String privacyUnitColumn;
  private final PrivacyBudget budget;

  /**
   * The unit the column identifies, as the caller named it; null when unnamed (an undeclared
   * budget).
   */
  private final UnitClaim claim;

  private final long maxGroupsContributed;
  private final long maxContributionsPerGroup;

  private PrivateDataFrame(
      Dataset<Row> data, String unit, PrivacyBudget budget, UnitClaim claim, long l0, long lInf) {
    this.data = data;
    this.privacyUnitColumn = unit;
    this.budget = budget;
    this.claim = claim;
    this.maxGroupsContributed = l0;
    this.maxContributionsPerGroup = lInf;
  }

  /**
   * Wraps {@code data}, whose column {@code privacyUnitColumn} identifies the privacy unit {@code
   * privacyUnit} (for example {@code "person"}) of each row; every release is charged to {@code
   * budget}, which must protect that unit. Defaults: L0 = 1, L∞ = 1.
   *
   * @param data the private rows; nothing is read until a query runs
   * @param privacyUnitColumn the column whose value identifies a row's privacy unit
   * @param privacyUnit the name of the unit that column identifies, for example {@code "person"}
   * @param budget the budget every release of this data frame is charged to
   * @return the wrapped data frame, with L0 = 1 and L∞ = 1
   * @throws IllegalArgumentException if an argument is null, the column does not exist, or the unit
   *     name is not one ({@link PrivacyUnit#checkName})
   * @throws org.privspark.core.accounting.UnitMismatchException if {@code budget} protects another
   *     unit (nothing is read or charged)
   */
  public static PrivateDataFrame of(
      Dataset<Row> data, String privacyUnitColumn, String privacyUnit, PrivacyBudget budget) {
    return of(
        data,
        privacyUnitColumn,
        UnitClaim.perUnit(PrivacyUnit.checkName("privacyUnit", privacyUnit)),
        budget);
  }

  /**
   * Wraps {@code data} as {@link #of(Dataset, String, String, PrivacyBudget)} does, with the claim
   * given whole: {@link UnitClaim#rowIsUnit} when {@code privacyUnitColumn} is a row id because
   * each row is one unit (the data holder's statement, which a ledger records).
   *
   * @param data the private rows; nothing is read until a query runs
   * @param privacyUnitColumn the column whose value identifies a row's privacy unit
   * @param claim what the releases claim to protect, checked against {@code budget}
   * @param budget the budget every release of this data frame is charged to
   * @return the wrapped data frame, with L0 = 1 and L∞ = 1
   * @throws org.privspark.core.accounting.UnitMismatchException if {@code budget} protects another
   *     unit (nothing is read or charged)
   */
  public static PrivateDataFrame of(
      Dataset<Row> data, String privacyUnitColumn, UnitClaim claim, PrivacyBudget budget) {
    Check.notNull("budget", budget);
    Check.notNull("claim", claim);
    budget.checkClaim(claim);
    return wrap(data, privacyUnitColumn, budget, claim);
  }

  /**
   * Wraps {@code data} for a budget that declares no privacy unit (an in-memory budget, or a ledger
   * of format 3): {@code privacyUnitColumn} identifies the unit of each row, which the budget does
   * not name. Defaults: L0 = 1, L∞ = 1.
   *
   * @param data the private rows; nothing is read until a query runs
   * @param privacyUnitColumn the column whose value identifies a row's privacy unit
   * @param budget a budget that declares no unit
   * @return the wrapped data frame, with L0 = 1 and L∞ = 1
   * @throws IllegalArgumentException if an argument is null or the column does not exist
   * @throws org.privspark.core.accounting.UnitMismatchException if {@code budget} declares a unit:
   *     name the unit the column identifies with {@link #of(Dataset, String, String,
   *     PrivacyBudget)}
   */
  public static PrivateDataFrame of(
      Dataset<Row> data, String privacyUnitColumn, PrivacyBudget budget) {
    Check.notNull("budget", budget);
    budget.checkClaim(null);
    return wrap(data, privacyUnitColumn, budget, null);
  }

  private static PrivateDataFrame wrap(
      Dataset<Row> data, String privacyUnitColumn, PrivacyBudget budget, UnitClaim claim) {
    Check.notNull("data", data);
    Check.notNull("privacyUnitColumn", privacyUnitColumn);
    requireColumn(data, "privacyUnitColumn", privacyUnitColumn);
    return new PrivateDataFrame(data, privacyUnitColumn, budget, claim, 1, 1);
  }

  /**
   * Sets L0, the most groups one privacy unit may contribute to. A unit in more groups keeps L0 of
   * them, chosen at random per release; the sensitivity of every statistic scales with L0.
   *
   * @param l0 the bound, &ge; 1
   * @return a copy of this data frame with the bound; this one is unchanged
   * @throws IllegalArgumentException if {@code l0} &lt; 1
   */
  public PrivateDataFrame maxGroupsContributed(long l0) {
    Check.atLeastOne("maxGroupsContributed", l0);
    return new PrivateDataFrame(
        data, privacyUnitColumn, budget, claim, l0, maxContributionsPerGroup);
  }

  /**
   * Sets L∞, the most rows one privacy unit may contribute to one group. A unit with more rows in a
   * group keeps L∞ of them, chosen at random per release.
   *
   * @param lInf the bound, &ge; 1
   * @return a copy of this data frame with the bound; this one is unchanged
   * @throws IllegalArgumentException if {@code lInf} &lt; 1
   */
  public PrivateDataFrame maxContributionsPerGroup(long lInf) {
    Check.atLeastOne("maxContributionsPerGroup", lInf);
    return new PrivateDataFrame(data, privacyUnitColumn, budget, claim, maxGroupsContributed, lInf);
  }

  /**
   * Starts a query grouped by the given key columns. Which groups appear is itself private unless
   * the query names them ({@link PrivateAggregation#publicGroups}).
   *
   * @param keyColumns one or more distinct columns of the data, not the privacy unit column
   * @return the query, to which statistics and ε are added before {@link PrivateAggregation#run}
   * @throws IllegalArgumentException if no column is given, one does not exist, is the privacy unit
   *     column or is repeated
   */
  public PrivateAggregation groupBy(String... keyColumns) {
    Check.notNull("keyColumns", keyColumns);
    if (keyColumns.length == 0) {
      throw new IllegalArgumentException(
          "keyColumns must name at least one column; use aggregate() for none");
    }
    for (String k : keyColumns) {
      requireColumn(data, "keyColumns", k);
      if (k.equals(privacyUnitColumn)) {
        throw new IllegalArgumentException(
            "keyColumns must not include the privacy unit column '" + k + "'");
      }
    }
    if (Arrays.stream(keyColumns).distinct().count() != keyColumns.length) {
      throw new IllegalArgumentException(
          "keyColumns must be distinct; got " + Arrays.toString(keyColumns));
    }
    return new PrivateAggregation(this, keyColumns.clone());
  }

  /**
   * Starts a query over the whole data set, without group keys.
   *
   * @return the query; its result has one row
   */
  public PrivateAggregation aggregate() {
    return new PrivateAggregation(this, new String[0]);
  }

  /**
   * Clamping bounds for {@code column}, estimated privately at a cost of {@code epsilon}: {@link
   * #bounds(String, double, BoundsOptions)} with the default options.
   *
   * @param column a numeric column
   * @param epsilon the ε to spend, finite and &gt; 0
   * @return the bounds, as {@link #bounds(String, double, BoundsOptions)} returns them
   */
  public Bounds bounds(String column, double epsilon) {
    return bounds(column, epsilon, BoundsOptions.defaults());
  }

  /**
   * Clamping bounds for {@code column}, estimated privately from the data with no prior range, for
   * the statistics that need bounds ({@link PrivateAggregation#mean}, {@code sum}, …).
   *
   * <p><b>How.</b> One global query ({@link #aggregate()}, one public group, so L0 = 1) releases a
   * histogram of {@code column} over 202 signed power-of-two bins that cover every finite double,
   * with Laplace noise: each unit keeps at most L∞ rows (this data frame's {@link
   * #maxContributionsPerGroup}), so one unit moves the bin vector by at most L∞ in L1, and the
   * histogram is ε-DP. The bounds are the outer edges of the leftmost and rightmost bins whose
   * noisy count exceeds a threshold set so that no empty bin passes with probability ≥ 1 − β
   * ({@link BoundsOptions#emptyBinProbability}); reading them is post-processing. Thin tails (bins
   * with fewer rows than about the threshold) stay outside and get clamped. docs/AGGREGATIONS.md,
   * "Bounds from data", has the proof and the accuracy this buys.
   *
   * <p><b>Cost.</b> One charge of (ε, 0) to this data frame's budget, recorded like any release
   * (mechanism {@code "private-aggregation"}, under this data frame's unit claim). Everything is
   * validated before the charge; a refused call spends nothing. Rows whose value is null or NaN are
   * dropped, as in every statistic; ±∞ count in the outermost bins.
   *
   * @param column a numeric column
   * @param epsilon the ε to spend, finite and &gt; 0
   * @param options the probability β that an empty bin passes, and the release secret
   * @return the bounds, or, when no bin passed (empty data, or too few units for ε), a result with
   *     {@link Bounds#found()} false and NaN bounds; nothing fails after the charge
   * @throws IllegalArgumentException naming the first invalid parameter; nothing is charged
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget cannot afford it
   */
  public Bounds bounds(String column, double epsilon, BoundsOptions options) {
    Check.notNull("options", options);
    requireColumn(data, "column", column);
    Check.positiveFinite("epsilon", epsilon);
    // A global query has one group: L0 = 1 is exact, and a larger L0 would only add noise.
    PrivateAggregation query =
        maxGroupsContributed(1)
            .aggregate()
            .histogram(column, PowerOfTwoBins.edges())
            .epsilon(epsilon);
    if (options.releaseSecret() != null) {
      query.releaseSecret(options.releaseSecret());
    }
    Row row = query.run().first();
    String name = "histogram_" + column;
    double[] noisy =
        row.<Double>getList(row.fieldIndex(name)).stream()
            .mapToDouble(Double::doubleValue)
            .toArray();
    double std = row.getDouble(row.fieldIndex(name + "_noise_std"));
    return PowerOfTwoBins.readOff(
        noisy, std, options.emptyBinProbability(), epsilon, maxContributionsPerGroup);
  }

  Dataset<Row> data() {
    return data;
  }

  String privacyUnitColumn() {
    return privacyUnitColumn;
  }

  PrivacyBudget budget() {
    return budget;
  }

  /** The unit the releases claim to protect, or null (a budget without a declared unit). */
  UnitClaim claim() {
    return claim;
  }

  /**
   * L0, the most groups one privacy unit may contribute to.
   *
   * @return the bound set by {@link #maxGroupsContributed(long)}, 1 by default
   */
  public long maxGroupsContributed() {
    return maxGroupsContributed;
  }

  /**
   * L∞, the most rows one privacy unit may contribute to one group.
   *
   * @return the bound set by {@link #maxContributionsPerGroup(long)}, 1 by default
   */
  public long maxContributionsPerGroup() {
    return maxContributionsPerGroup;
  }

  static void requireColumn(Dataset<Row> data, String parameter, String column) {
    Check.notNull(parameter, column);
    if (!Arrays.asList(data.columns()).contains(column)) {
      throw new IllegalArgumentException(
          parameter
              + " must name an existing column; got '"
              + column
              + "', columns are "
              + Arrays.toString(data.columns()));
    }
  }
}
