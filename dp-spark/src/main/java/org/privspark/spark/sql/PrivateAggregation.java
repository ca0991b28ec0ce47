package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.aggregation.AggregationRequest;
import org.privspark.core.aggregation.Histogram;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.PartitionSelectionStrategy;
import org.privspark.core.aggregation.Quantiles;
import org.privspark.core.aggregation.Quantity;
import org.privspark.core.aggregation.QueryAccuracy;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;

/**
 * One private query: the statistics to compute, the budget to spend, and how groups are chosen.
 * {@link #run()} validates everything, charges the budget, runs the query once, and returns its
 * noisy results as a {@code Dataset<Row>} held on the driver, sorted by the group keys: the group
 * keys, then for each statistic its value and, as {@code <name>_noise_std}, {@code <name>_ci_low}
 * and {@code <name>_ci_high}, the standard deviation of its noise and a 95% confidence interval
 * (arrays for quantiles and histograms).
 *
 * <p><b>Order of work.</b> Validation (columns, types, bounds, ε, δ) runs on the driver and reads
 * no data; a failure spends nothing. The query's {@link PrivacyEvent} is charged next, before any
 * Spark job exists; an exhausted budget throws {@link
 * org.privspark.core.accounting.BudgetExhaustedException} and spends nothing. Only then does the
 * plan run: one shuffle of the rows by privacy unit (both bounding steps run on it), per-(unit,
 * group) partial aggregates, one shuffle of those by group, and noise per output cell. Group keys
 * and units are compared as Spark compares them ({@link SparkKeys}).
 *
 * <p><b>Noise drawn once.</b> Every noise value is a pure function of a per-release secret and the
 * cell's identity (statistic, group key), through {@link
 * org.privspark.core.noise.KeyedStreamSource}; so is the random choice of rows and groups in
 * bounding. A retried or speculative task gives the same numbers, and the returned result is
 * computed once ({@link Release}).
 *
 * <p>Not thread-safe: build and run a query from one thread.
 */
public final class PrivateAggregation {
  /** The mechanism name a ledger records for these queries. */
  static final String MECHANISM = "private-aggregation";

  static final String UNIT = "__privspark_unit";

  private final PrivateDataFrame source;
  private final String[] keys;
  private final List<Aggregate> aggregates = new ArrayList<>();
  private Dataset<Row> publicGroups;
  private long preThreshold = 1;

  /**
   * Partition selection's default weight: a fifth of ε for three statistics. Less than one
   * statistic's weight because selection only needs to tell groups from noise, while every
   * statistic's error scales with its own ε (docs/AGGREGATIONS.md, "The budget split").
   */
  static final double DEFAULT_SELECTION_WEIGHT = 0.75;

  private double selectionWeight = DEFAULT_SELECTION_WEIGHT;
  private Double epsilon;
  private double delta = 0;
  private NoiseKind noise = NoiseKind.LAPLACE;
  private PartitionSelectionStrategy selectionKind;
  private Secret secret;

  PrivateAggregation(PrivateDataFrame source, String[] keys) {
    this.source = source;
    this.keys = keys;
  }

  /**
   * Adds the number of rows per group (after bounding), output column {@code count}.
   *
   * @return this query, for chaining
   */
  public PrivateAggregation count() {
    return add(new Aggregate(Aggregate.Kind.COUNT, null, Double.NaN, Double.NaN, 1));
  }

  /**
   * Adds the number of distinct privacy units per group, output column {@code
   * count_distinct_units}.
   *
   * @return this query, for chaining
   */
  public PrivateAggregation countDistinctUnits() {
    return add(new Aggregate(Aggregate.Kind.COUNT_DISTINCT_UNITS, null, Double.NaN, Double.NaN, 1));
  }

  /**
   * Adds the sum of {@code column}, each value clamped to [lower, upper].
   *
   * @param column a numeric column of the data
   * @param lower the clamping bound below, finite
   * @param upper the clamping bound above, finite and &gt; {@code lower}
   * @return this query, for chaining
   */
  public PrivateAggregation sum(String column, double lower, double upper) {
    return add(valued(Aggregate.Kind.SUM, column, lower, upper));
  }

  /**
   * Adds the mean of {@code column} clamped to [lower, upper], by the midpoint trick.
   *
   * @param column a numeric column of the data
   * @param lower the clamping bound below, finite
   * @param upper the clamping bound above, finite and &gt; {@code lower}
   * @return this query, for chaining
   */
  public PrivateAggregation mean(String column, double lower, double upper) {
    return add(valued(Aggregate.Kind.MEAN, column, lower, upper));
  }

  /**
   * Adds the (population) variance of {@code column} clamped to [lower, upper].
   *
   * @param column a numeric column of the data
   * @param lower the clamping bound below, finite
   * @param upper the clamping bound above, finite and &gt; {@code lower}
   * @return this query, for chaining
   */
  public PrivateAggregation variance(String column, double lower, double upper) {
    return add(valued(Aggregate.Kind.VARIANCE, column, lower, upper));
  }

  /**
   * Adds the standard deviation of {@code column} clamped to [lower, upper].
   *
   * @param column a numeric column of the data
   * @param lower the clamping bound below, finite
   * @param upper the clamping bound above, finite and &gt; {@code lower}
   * @return this query, for chaining
   */
  public PrivateAggregation stddev(String column, double lower, double upper) {
    return add(valued(Aggregate.Kind.STDDEV, column, lower, upper));
  }

  /**
   * Quantiles of {@code column} clamped to [lower, upper], read off a noisy histogram of {@value
   * Aggregate#QUANTILE_BINS} equal bins (resolution (upper − lower)/{@value
   * Aggregate#QUANTILE_BINS}). The output is an array with one value per rank.
   *
   * @param column a numeric column of the data
   * @param lower the clamping bound below, finite
   * @param upper the clamping bound above, finite and &gt; {@code lower}
   * @param ranks one or more ranks in [0, 1], e.g. 0.5 and 0.9
   * @return this query, for chaining
   */
  public PrivateAggregation quantiles(String column, double lower, double upper, double... ranks) {
    Aggregate base = valued(Aggregate.Kind.QUANTILES, column, lower, upper);
    Check.notNull("ranks", ranks);
    // dp-core's statistic checks the width (the bins' edges must be finite) and the ranks.
    Quantiles quantiles = new Quantiles(base.column(), lower, upper, ranks);
    return add(
        new Aggregate(
            Aggregate.Kind.QUANTILES,
            base.column(),
            lower,
            upper,
            1,
            quantiles.edges(),
            quantiles.ranks()));
  }

  /**
   * A histogram of {@code column} over public bins [e₀, e₁), [e₁, e₂), …, [e_{n−1}, e_n]; values
   * below e₀ or above e_n count in the first or last bin. The output is an array of noisy counts.
   *
   * @param column a numeric column of the data
   * @param edges at least two finite, strictly increasing bin edges
   * @return this query, for chaining
   */
  public PrivateAggregation histogram(String column, double... edges) {
    Check.notNull("edges", edges);
    Histogram histogram = new Histogram(column, edges); // checks the edges
    Aggregate base = valued(Aggregate.Kind.HISTOGRAM, column, edges[0], edges[edges.length - 1]);
    return add(
        new Aggregate(
            Aggregate.Kind.HISTOGRAM,
            base.column(),
            base.lower(),
            base.upper(),
            1,
            histogram.edges(),
            new double[0]));
  }

  /**
   * The weight of the statistic added last (default 1), in [10^-6, 10^6]: how much its error counts
   * in the objective the budget split minimises (docs/AGGREGATIONS.md, "The budget split"). A
   * larger weight buys that statistic accuracy at the others' expense; only the weights' ratios
   * matter, and they leave partition selection's share alone.
   *
   * @param weight the weight, in [10^-6, 10^6]
   * @return this query, for chaining
   * @throws IllegalStateException if no statistic was added yet
   */
  public PrivateAggregation weight(double weight) {
    Check.inClosed("weight", weight, AggregationRequest.MIN_WEIGHT, AggregationRequest.MAX_WEIGHT);
    if (aggregates.isEmpty()) {
      throw new IllegalStateException("weight applies to the statistic added last; add one first");
    }
    aggregates.set(aggregates.size() - 1, aggregates.get(aggregates.size() - 1).withWeight(weight));
    return this;
  }

  /**
   * Public groups: exactly the keys listed in {@code keys} (a data set with the key columns) appear
   * in the output, empty ones with noise only; rows of other groups are dropped before bounding. No
   * budget goes to partition selection.
   *
   * @param keys the public keys, with the query's key columns; chosen without looking at the data
   * @return this query, for chaining
   */
  public PrivateAggregation publicGroups(Dataset<Row> keys) {
    Check.notNull("publicGroups", keys);
    this.publicGroups = keys;
    return this;
  }

  /**
   * With private groups: groups with fewer than {@code units} privacy units are never released.
   *
   * @param units the threshold, &ge; 1
   * @return this query, for chaining
   */
  public PrivateAggregation preThreshold(long units) {
    this.preThreshold = Check.atLeastOne("preThreshold", units);
    return this;
  }

  /**
   * With private groups: the weight of partition selection (default 0.75), in [10^-6, 10^6]: it
   * gets ε·w/(statistics + w), a fifth for three statistics at the default. A larger weight
   * releases groups with fewer units, at the statistics' expense; {@link #explain()} shows both.
   *
   * @param weight the weight, in [10^-6, 10^6]
   * @return this query, for chaining
   */
  public PrivateAggregation selectionWeight(double weight) {
    this.selectionWeight =
        Check.inClosed(
            "selectionWeight",
            weight,
            AggregationRequest.MIN_WEIGHT,
            AggregationRequest.MAX_WEIGHT);
    return this;
  }

  /**
   * Sets the ε this query spends. Required; checked when the query is validated.
   *
   * @param epsilon finite and &gt; 0
   * @return this query, for chaining
   */
  public PrivateAggregation epsilon(double epsilon) {
    this.epsilon = epsilon;
    return this;
  }

  /**
   * Sets the δ this query spends (default 0; private groups and Gaussian noise need δ &gt; 0).
   *
   * @param delta in [0, 1)
   * @return this query, for chaining
   */
  public PrivateAggregation delta(double delta) {
    this.delta = delta;
    return this;
  }

  /**
   * The noise (default {@link NoiseKind#LAPLACE}); {@link NoiseKind#AUTO} lets the planner pick the
   * kind with the smaller predicted error.
   *
   * @param kind the noise kind
   * @return this query, for chaining
   */
  public PrivateAggregation noise(NoiseKind kind) {
    this.noise = Check.notNull("noise", kind);
    return this;
  }

  /**
   * With private groups: how groups are selected. Default: {@link
   * PartitionSelectionStrategy#TRUNCATED_GEOMETRIC} (optimal for small L0) with Laplace noise,
   * {@link PartitionSelectionStrategy#GAUSSIAN_THRESHOLDING} (composes through the RDP accountant)
   * with Gaussian noise (with {@link NoiseKind#AUTO}, the default of the noise the planner picks).
   *
   * @param strategy the selection strategy
   * @return this query, for chaining
   */
  public PrivateAggregation partitionSelection(PartitionSelectionStrategy strategy) {
    this.selectionKind = Check.notNull("partitionSelection", strategy);
    return this;
  }

  /**
   * The release secret that keys all noise and sampling (default: a fresh one from SecureRandom).
   * Set it only to reproduce a release exactly, for a test of determinism (the same query, data and
   * secret give the same rows on any cluster); never on two budgets over the same people. A secret
   * keys one release: {@link #run()} records its {@link Secret#releaseId() release id} with the
   * charge, a budget (or ledger) that has charged that id before refuses the query with {@link
   * org.privspark.core.accounting.ReleaseIdReusedException} and charges nothing, and the noise is
   * keyed by the secret bound to the id the charge was recorded under ({@link
   * org.privspark.core.noise.ReleaseKey}), since a second release with the same noise on changed
   * data would reveal the exact change.
   *
   * @param secret the secret of this one release
   * @return this query, for chaining
   */
  public PrivateAggregation releaseSecret(Secret secret) {
    this.secret = Check.notNull("releaseSecret", secret);
    return this;
  }

  /**
   * What the query would cost, after validating it; reads no data and spends nothing.
   *
   * @return the privacy event {@link #run()} would charge
   * @throws IllegalArgumentException naming the first invalid parameter
   */
  public PrivacyEvent cost() {
    validate();
    return plan().event();
  }

  /**
   * The accuracy the query will have, after validating it; reads no data and spends nothing. Per
   * statistic (in output order), the standard deviation of its noise and the half-width of the 95%
   * interval the release will report; with private groups, how many privacy units a group needs to
   * be kept with probability 50% and 95%. Counts and sums do not depend on the group's size; means,
   * variances and standard deviations are given for groups of 1,000 kept rows (see {@link
   * #explain(long)}).
   *
   * @return the predicted accuracy, per statistic and of the group selection
   * @throws IllegalArgumentException naming the first invalid parameter
   */
  public QueryAccuracy explain() {
    return explain(1_000);
  }

  /**
   * {@link #explain()} for groups of {@code rowsPerGroup} kept rows: means and variances are
   * predicted for a group of that size whose values spread over the bounds, centred on their
   * midpoint (docs/AGGREGATIONS.md, "Accuracy before spending").
   *
   * @param rowsPerGroup ≥ 1
   * @return the predicted accuracy, per statistic and of the group selection
   */
  public QueryAccuracy explain(long rowsPerGroup) {
    Check.atLeastOne("rowsPerGroup", rowsPerGroup);
    validate();
    return plan().core().accuracy(rowsPerGroup);
  }

  /**
   * The output names of the statistics added so far, such as {@code count} or {@code
   * mean_hours_per_week}; each comes with {@code <name>_noise_std}, {@code <name>_ci_low} and
   * {@code <name>_ci_high}.
   *
   * @return the names, in the order of {@link QueryAccuracy#statistics()}
   */
  public List<String> statisticNames() {
    return aggregates.stream().map(Aggregate::outputName).toList();
  }

  /**
   * Validates the query, charges its cost to the budget, computes the noisy results, and returns
   * them sorted by the group keys, held on the driver: evaluating the result again reads no source
   * (see {@link Release}).
   *
   * @return one row per released group: the keys, then each statistic with its noise std and 95%
   *     interval
   * @throws IllegalArgumentException naming the first invalid parameter; nothing is charged
   * @throws org.privspark.core.accounting.BudgetExhaustedException if the budget cannot afford it
   */
  public Dataset<Row> run() {
    return run(UnaryOperator.identity());
  }

  /**
   * {@link #run()}, with {@code lastStage} applied to the noisy rows before they are collected,
   * inside the Spark job of the release: tests inject task failures there.
   */
  Dataset<Row> run(UnaryOperator<Dataset<Row>> lastStage) {
    validate();
    QueryPlan plan = plan();
    Secret releaseSecret = secret != null ? secret : Secret.generate();
    // Building and analysing the plan runs no Spark job: an analysis error surfaces here, before
    // anything is charged. The charge then comes before the one Spark job of the release.
    Dataset<Row> planned = lastStage.apply(build(plan, releaseSecret, releaseSecret.releaseId()));
    Release.requireAnalysed(planned, keys);
    ClusterEncryption.warnIfOff(planned); // reads settings only; under Spark Connect, nothing
    byte[] charged =
        source
            .budget()
            .charge(plan.event(), source.claim(), MECHANISM, describe(), releaseSecret.releaseId())
            .releaseId();
    // The same plan, keyed by the secret bound to the charge: its noise and bounding choices belong
    // to this charge alone (ReleaseKey), and it analyses exactly as the plan above did.
    Dataset<Row> noisy = lastStage.apply(build(plan, releaseSecret, charged));
    return Release.materialise(noisy, keys);
  }

  /** What a ledger-backed budget commits to as the query's description (never stored in clear). */
  private String describe() {
    StringBuilder s =
        new StringBuilder(keys.length == 0 ? "aggregate" : "groupBy " + String.join(",", keys));
    s.append(
        keys.length == 0 ? "" : publicGroups != null ? " (public groups)" : " (private groups)");
    for (Aggregate a : aggregates) {
      s.append("; ").append(a);
    }
    return s.append("; epsilon=")
        .append(epsilon)
        .append(" delta=")
        .append(delta)
        .append(" noise=")
        .append(noise)
        .append(" L0=")
        .append(keys.length == 0 ? 1 : source.maxGroupsContributed())
        .append(" Linf=")
        .append(source.maxContributionsPerGroup())
        .toString();
  }

  private PrivateAggregation add(Aggregate a) {
    aggregates.add(a);
    return this;
  }

  private Aggregate valued(Aggregate.Kind kind, String column, double lower, double upper) {
    PrivateDataFrame.requireColumn(source.data(), "column", column);
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
      throw new IllegalArgumentException(
          "bounds of '"
              + column
              + "' must be finite with lower < upper; got ["
              + lower
              + ", "
              + upper
              + "]");
    }
    if (!(source.data().schema().apply(column).dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' must be numeric; got "
              + source.data().schema().apply(column).dataType().simpleString());
    }
    return new Aggregate(kind, column, lower, upper, 1);
  }

  private void validate() {
    if (aggregates.isEmpty()) {
      throw new IllegalArgumentException("a query must ask for at least one statistic; got none");
    }
    if (epsilon == null) {
      throw new IllegalArgumentException("epsilon must be set; got nothing");
    }
    Check.positiveFinite("epsilon", epsilon);
    Check.inHalfOpen("delta", delta, 0.0, 1.0);
    boolean privateGroups = keys.length > 0 && publicGroups == null;
    if (privateGroups && delta == 0) {
      throw new IllegalArgumentException(
          "delta must be > 0 for private partition selection; got 0.0 (set delta, or list"
              + " publicGroups)");
    }
    if (noise == NoiseKind.GAUSSIAN && delta == 0) {
      throw new IllegalArgumentException("delta must be > 0 for Gaussian noise; got 0.0");
    }
    Set<String> outputs = new HashSet<>(Arrays.asList(keys));
    for (Aggregate a : aggregates) {
      if (!outputs.add(a.outputName())) {
        throw new IllegalArgumentException(
            "statistic '" + a.outputName() + "' is asked for twice or clashes with a key");
      }
    }
    if (publicGroups != null) {
      if (keys.length == 0) {
        throw new IllegalArgumentException("publicGroups needs group keys; use groupBy(...)");
      }
      Set<String> given = new HashSet<>(Arrays.asList(publicGroups.columns()));
      if (!given.equals(new HashSet<>(Arrays.asList(keys)))) {
        throw new IllegalArgumentException(
            "publicGroups must have exactly the key columns "
                + Arrays.toString(keys)
                + "; got "
                + Arrays.toString(publicGroups.columns()));
      }
    }
    // Keys Spark compares by a collation that has no canonical spelling (SparkKeys).
    StructType schema = source.data().schema();
    String unit = source.privacyUnitColumn();
    requireNoProblem(
        SparkKeys.problem("privacyUnitColumn", unit, schema.apply(unit).dataType(), true));
    for (String k : keys) {
      requireNoProblem(
          SparkKeys.problem("keyColumns", k, schema.apply(k).dataType(), publicGroups != null));
    }
  }

  private static void requireNoProblem(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private QueryPlan plan() {
    boolean privateGroups = keys.length > 0 && publicGroups == null;
    // A global query has one group: a unit reaches at most that one, whatever the data frame's L0.
    long l0 = keys.length == 0 ? 1 : source.maxGroupsContributed();
    return QueryPlan.of(
        aggregates,
        privateGroups,
        selectionWeight,
        preThreshold,
        l0,
        source.maxContributionsPerGroup(),
        epsilon,
        delta,
        noise,
        selectionKind);
  }

  // ---- The Spark plan. ----

  private Dataset<Row> build(QueryPlan plan, Secret releaseSecret, byte[] chargedReleaseId) {
    ReleaseKey key = ReleaseKey.of(releaseSecret, chargedReleaseId);
    // The salts enter the plan as binary literals, not long ones: Spark writes a long literal into
    // the generated code, so every release compiled classes of its own (slow, and a long-running
    // driver kept loading new ones); a binary literal is passed to the same code by reference.
    byte[] salts = key.derive("bounding-salts");
    Column rowSalt = lit(Arrays.copyOfRange(salts, 0, 8));
    Column groupSalt = lit(Arrays.copyOfRange(salts, 8, 16));

    // Distinct value columns, each with its own alias.
    Map<String, String> valueAlias = new LinkedHashMap<>();
    for (Aggregate a : aggregates) {
      if (a.column() != null) {
        valueAlias.putIfAbsent(a.column(), "__v" + valueAlias.size());
      }
    }
    // The unit and the keys in the form Spark compares them (SparkKeys): every later step, from
    // bounding to the output, then sees exactly the groups Spark's groupBy forms.
    StructType schema = source.data().schema();
    String unitColumn = source.privacyUnitColumn();
    List<Column> selected = new ArrayList<>();
    selected.add(
        SparkKeys.normalised(
                col(unitColumn), schema.apply(unitColumn).dataType(), SparkKeys.Icu.COLLATION_KEY)
            .as(UNIT));
    for (String k : keys) {
      selected.add(
          SparkKeys.normalised(col(k), schema.apply(k).dataType(), SparkKeys.Icu.KEEP).as(k));
    }
    Column keep = col(UNIT).isNotNull();
    for (Map.Entry<String, String> v : valueAlias.entrySet()) {
      selected.add(col(v.getKey()).cast(DataTypes.DoubleType).as(v.getValue()));
    }
    Dataset<Row> rows = source.data().select(selected.toArray(Column[]::new));
    for (String alias : valueAlias.values()) {
      keep = keep.and(col(alias).isNotNull()).and(not(isnan(col(alias))));
    }
    rows = rows.where(keep);
    Dataset<Row> listed = null;
    if (publicGroups != null) {
      // Rows of unlisted groups are dropped; the others take their group's listed spelling, the
      // same for every spelling of the group (it matters for ICU collations, which have no
      // normal form of their own).
      listed = listedGroups();
      Dataset<Row> matched = rows.join(listed, keyMatch(rows, listed), "inner");
      List<Column> mapped = new ArrayList<>(List.of(rows.col(UNIT)));
      for (String k : keys) {
        mapped.add(listed.col("__pk_" + k).as(k));
      }
      for (String alias : valueAlias.values()) {
        mapped.add(rows.col(alias));
      }
      rows = matched.select(mapped.toArray(Column[]::new));
    }

    // Bounding: one shuffle of the rows by unit, one sort of each partition by a single 64-bit key
    // of the unit (Spark radix-sorts it), then one streaming pass per unit that keeps its L0 groups
    // of smallest keyed group hash and in each its L∞ rows of smallest keyed row hash, and emits
    // per-(unit, group) partial aggregates. Ties between row hashes are broken by the values, so
    // they only ever pick between identical rows, and the choice is deterministic.
    List<Column> keyCols = Arrays.stream(keys).map(k -> col(k)).toList();
    List<Column> groupHashInput = new ArrayList<>(List.of(groupSalt, col(UNIT)));
    groupHashInput.addAll(keyCols);
    List<Column> rowHashInput = new ArrayList<>(List.of(rowSalt, col(UNIT)));
    rowHashInput.addAll(keyCols);
    for (String alias : valueAlias.values()) {
      rowHashInput.add(col(alias));
    }
    // A single long sort key, so that Spark radix-sorts on it: the unit itself when it is an
    // integer, else its hash (the pass then tells apart units that share a hash).
    var unitType = rows.schema().apply(UNIT).dataType();
    boolean integralUnit = unitType instanceof IntegralType;
    Dataset<Row> byUnit = rows.repartition(col(UNIT));
    String sortKey = UNIT;
    if (!unitType.equals(DataTypes.LongType)) {
      sortKey = "__unit_key";
      byUnit =
          byUnit.withColumn(
              sortKey, integralUnit ? col(UNIT).cast(DataTypes.LongType) : xxhash64(col(UNIT)));
    }
    byUnit = byUnit.sortWithinPartitions(col(sortKey));
    List<Column> passInput = new ArrayList<>(List.of(col(sortKey)));
    if (!integralUnit) {
      passInput.add(col(UNIT));
    }
    passInput.addAll(keyCols);
    passInput.add(xxhash64(groupHashInput.toArray(Column[]::new)).as("__group_hash"));
    passInput.add(xxhash64(rowHashInput.toArray(Column[]::new)).as("__row_hash"));
    for (String alias : valueAlias.values()) {
      passInput.add(col(alias));
    }
    RowLayout layout = new RowLayout(!integralUnit, keys.length, valueAlias.size());

    // Per (unit, group) partial aggregates from the pass, then per group.
    List<StructField> partialFields = new ArrayList<>();
    for (String k : keys) {
      partialFields.add(rows.schema().apply(k));
    }
    partialFields.add(DataTypes.createStructField("__rows", DataTypes.LongType, false));
    List<PartialColumn> partials = new ArrayList<>();
    List<String> partialColumns = new ArrayList<>();
    List<String> valueColumns = new ArrayList<>(valueAlias.keySet());
    List<List<String>> measurementColumns = new ArrayList<>();
    // Every partial is an exact long, split into its grid's limbs (InputGrid), and every total is
    // Spark's exact long sum of a limb over the group's units: no floating point in any sum.
    for (int i = 0; i < plan.measurements().size(); i++) {
      Measurement m = plan.measurements().get(i);
      Quantity q = m.quantity();
      if (q.kind() == Quantity.Kind.ROWS || q.kind() == Quantity.Kind.UNITS) {
        measurementColumns.add(List.of(q.kind() == Quantity.Kind.ROWS ? "__rows" : "__units"));
        continue;
      }
      int value = valueColumns.indexOf(q.column());
      int columns = q.kind() == Quantity.Kind.HISTOGRAM ? q.dimension() : m.input().limbs();
      // A histogram has one partial per bin (one column each); a sum one partial, which
      // UnitBounding
      // writes as its grid's limbs (one column each).
      if (q.kind() == Quantity.Kind.HISTOGRAM) {
        for (int j = 0; j < columns; j++) {
          partials.add(PartialColumn.bin(value, q.edges(), j, m.input()));
        }
      } else {
        partials.add(PartialColumn.sum(q, value, m.input()));
      }
      List<String> aliases = new ArrayList<>();
      for (int j = 0; j < columns; j++) {
        aliases.add(StagedLayout.partialName(i, j));
        partialFields.add(
            DataTypes.createStructField(StagedLayout.partialName(i, j), DataTypes.LongType, false));
      }
      partialColumns.addAll(aliases);
      measurementColumns.add(aliases);
    }
    Dataset<Row> perUnit =
        byUnit
            .select(passInput.toArray(Column[]::new))
            .mapPartitions(
                new UnitBounding(
                    layout,
                    source.maxGroupsContributed(),
                    source.maxContributionsPerGroup(),
                    partials),
                Encoders.row(DataTypes.createStructType(partialFields)));
    Dataset<Row> perGroup = groupTotals(perUnit, keyCols, partialColumns);
    if (listed != null) {
      Dataset<Row> joined = listed.join(perGroup, keyMatch(perGroup, listed), "left");
      List<Column> out = new ArrayList<>();
      for (String k : keys) {
        out.add(listed.col("__pk_" + k).as(k));
      }
      for (String c : perGroup.columns()) {
        if (c.startsWith("__")) {
          out.add(perGroup.col(c));
        }
      }
      perGroup = joined.select(out.toArray(Column[]::new));
    }
    Dataset<Row> stagedRows = staged(perGroup, keyCols, measurementColumns);

    NoiseStage stage =
        new NoiseStage(
            releaseSecret.bytes(),
            chargedReleaseId,
            new StagedLayout(keys.length, plan.measurements().size()),
            plan.core(),
            plan.measurements().stream().map(Measurement::input).toList(),
            aggregates);
    StructType output = outputSchema(rows.schema());
    Dataset<Row> noisy = stagedRows.mapPartitions(stage, Encoders.row(output));
    // Spark's row encoder drops string collations (a collated key comes out as a plain string);
    // the keys get their types back, so that the output compares as the input did.
    return noisy.select(
        Arrays.stream(output.fields())
            .map(f -> noisy.col(f.name()).cast(f.dataType()).as(f.name()))
            .toArray(Column[]::new));
  }

  /**
   * Per group: its number of units ({@code __units}), its kept rows ({@code __rows}) and the sum of
   * every partial column (a limb of a sum, or a bin), all as Spark's exact long sums of the
   * per-(unit, group) rows; {@link InputGrid} proves that none of them overflows.
   */
  static Dataset<Row> groupTotals(
      Dataset<Row> perUnit, List<Column> keyCols, List<String> partialColumns) {
    List<Column> totals = new ArrayList<>();
    totals.add(functions.sum(col("__rows")).as("__rows"));
    for (String c : partialColumns) {
      totals.add(functions.sum(col(c)).as(c));
    }
    return perUnit
        .groupBy(keyCols.toArray(Column[]::new))
        .agg(functions.count(lit(1)).as("__units"), totals.toArray(Column[]::new));
  }

  /**
   * The noise stage's input, in {@link StagedLayout}: the keys, {@code __units}, then per
   * measurement (its partial columns in {@code measurementColumns}) the array of its exact column
   * sums, 0 for a listed group without rows; {@link NoiseStage} recombines them with the
   * measurement's grid.
   */
  static Dataset<Row> staged(
      Dataset<Row> perGroup, List<Column> keyCols, List<List<String>> measurementColumns) {
    List<Column> staged = new ArrayList<>(keyCols);
    staged.add(coalesce(col("__units"), lit(0L)).as("__units"));
    for (int i = 0; i < measurementColumns.size(); i++) {
      Column[] sums =
          measurementColumns.get(i).stream()
              .map(c -> coalesce(col(c), lit(0L)))
              .toArray(Column[]::new);
      staged.add(functions.array(sums).as(StagedLayout.inputName(i)));
    }
    return perGroup.select(staged.toArray(Column[]::new));
  }

  /**
   * The public groups, one row per Spark group: the keys (as {@code __pk_<key>}) cast to the key
   * columns' types and in normal form. Spark's distinct would keep an arbitrary spelling of a group
   * listed under several spellings of an ICU collation; such a group keeps its smallest spelling in
   * binary order instead, so that the output depends on the list alone, not on its order.
   */
  private Dataset<Row> listedGroups() {
    StructType schema = source.data().schema();
    List<Column> cols = new ArrayList<>();
    List<String> icu = new ArrayList<>();
    for (String k : keys) {
      DataType type = schema.apply(k).dataType();
      cols.add(SparkKeys.normalised(col(k).cast(type), type, SparkKeys.Icu.KEEP).as("__pk_" + k));
      if (SparkKeys.isIcu(type)) {
        icu.add(k);
      }
    }
    Dataset<Row> listed = publicGroups.select(cols.toArray(Column[]::new));
    if (icu.isEmpty()) {
      return listed.distinct();
    }
    Column[] groupCols = Arrays.stream(keys).map(k -> col("__pk_" + k)).toArray(Column[]::new);
    Column[] spellings =
        icu.stream()
            .map(
                k ->
                    functions
                        .min(col("__pk_" + k).cast(DataTypes.StringType))
                        .as("__spelling_" + k))
            .toArray(Column[]::new);
    Dataset<Row> grouped =
        listed
            .groupBy(groupCols)
            .agg(spellings[0], Arrays.copyOfRange(spellings, 1, spellings.length));
    List<Column> out = new ArrayList<>();
    for (String k : keys) {
      out.add(
          icu.contains(k)
              ? col("__spelling_" + k).cast(schema.apply(k).dataType()).as("__pk_" + k)
              : col("__pk_" + k));
    }
    return grouped.select(out.toArray(Column[]::new));
  }

  /**
   * Rows of {@code other} whose keys equal a listed group's (Spark's equality). The keys of {@code
   * other} are cast to the listed keys' types because Spark's row encoder, in {@code
   * mapPartitions}, drops string collations.
   */
  private Column keyMatch(Dataset<Row> other, Dataset<Row> listed) {
    Column match = lit(true);
    for (String k : keys) {
      Column pk = listed.col("__pk_" + k);
      DataType type = listed.schema().apply("__pk_" + k).dataType();
      match = match.and(other.col(k).cast(type).eqNullSafe(pk));
    }
    return match;
  }

  /**
   * The output's schema: the keys with their types in {@code keyTypes} (in normal form), then the
   * statistics.
   */
  private StructType outputSchema(StructType keyTypes) {
    List<StructField> fields = new ArrayList<>();
    for (String k : keys) {
      fields.add(DataTypes.createStructField(k, keyTypes.apply(k).dataType(), true));
    }
    for (Aggregate a : aggregates) {
      var value =
          a.isVector()
              ? DataTypes.createArrayType(DataTypes.DoubleType, false)
              : DataTypes.DoubleType;
      fields.add(DataTypes.createStructField(a.outputName(), value, false));
      fields.add(
          DataTypes.createStructField(a.outputName() + "_noise_std", DataTypes.DoubleType, false));
      fields.add(DataTypes.createStructField(a.outputName() + "_ci_low", value, false));
      fields.add(DataTypes.createStructField(a.outputName() + "_ci_high", value, false));
    }
    return DataTypes.createStructType(fields);
  }
}
