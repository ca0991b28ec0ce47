package org.privspark.examples.utility;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.QueryAccuracy;
import org.privspark.core.noise.Secret;
import org.privspark.examples.AdultData;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * Utility of private aggregations on real data: the UCI Adult training set (32,561 people; see
 * {@code data/adult/README.md}). Each row is one person, the privacy unit, so with L0 = L∞ = 1
 * contribution bounding keeps every row, and the exact statistics of the bounded data are plain
 * Spark aggregates of the (clamped) columns.
 *
 * <p><b>What is checked.</b> Over {@value #RELEASES} independent releases (fixed, distinct
 * secrets), the exact value lies inside the reported 95% confidence interval in at least a binomial
 * lower quantile of the cells, and the reported noise standard deviation of counts matches the
 * empirical spread of (noisy − exact).
 *
 * <p><b>Coverage bound.</b> Every cell's interval covers its exact value with probability p ≥ 0.95
 * (the library's claim; the intervals may be conservative), and cells are independent: distinct
 * cells of one release use distinct noise cells, releases use distinct secrets, and partition
 * selection draws its own noise, independent of the values' noise. The number of covered cells
 * among n is then stochastically at least Binomial(n, 0.95), so a check that fails when fewer than
 * {@link #minimumCovered(int)} cells are covered fails falsely with probability at most {@value
 * #ALPHA_PER_CHECK}. With five coverage checks and one noise-spread check (about 10^-5, see its
 * test), the class fails falsely with probability at most about 5.1·10^-4. The secrets are fixed,
 * so a run is deterministic.
 */
class AdultUtilityTest {
  /** Independent releases per query. */
  private static final int RELEASES = 20;

  /** Nominal coverage of the reported confidence intervals. */
  private static final double LEVEL = 0.95;

  /** False-failure probability allowed to each statistical check. */
  private static final double ALPHA_PER_CHECK = 1e-4;

  /** The 16 values of {@code education}, as documented with the data set (public knowledge). */
  private static final List<String> EDUCATION = AdultData.EDUCATION;

  private static Dataset<Row> adult;
  private static List<Row> educationCounts;

  private static SparkSession spark() {
    return AdultFixture.spark();
  }

  /**
   * Reads the file once and caches it. The person id is {@code monotonically_increasing_id()}
   * applied directly to the file scan: it is a function of the input split and the row's position
   * in it, both fixed for a given file, so every evaluation of the plan (and a recomputed cache
   * block) gives every person the same id.
   */
  @BeforeAll
  static void loadAdult() {
    adult =
        AdultData.read(spark(), AdultFixture.file("adult.data"))
            .withColumn("person", monotonically_increasing_id())
            .cache();
    assertThat(adult.count()).isEqualTo(AdultData.TRAIN_ROWS);
  }

  @AfterAll
  static void unpersist() {
    adult.unpersist();
    adult = null;
    educationCounts = null;
  }

  /** A fixed secret per (query, release): tests may fix secrets, and each release gets its own. */
  private static Secret secret(int query, int release) {
    byte[] bytes = new byte[Secret.LENGTH];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (31 * i + 7);
    }
    bytes[0] = (byte) query;
    bytes[1] = (byte) release;
    return Secret.fromBytes(bytes);
  }

  /**
   * The smallest number of covered cells, out of n, that passes: the largest k with P(Binomial(n,
   * 0.95) &lt; k) ≤ {@value #ALPHA_PER_CHECK}.
   */
  static int minimumCovered(int n) {
    BinomialDistribution b = new BinomialDistribution(n, LEVEL);
    int k = 0;
    while (k < n && b.cumulativeProbability(k) <= ALPHA_PER_CHECK) {
      k++;
    }
    return k; // P(X ≤ k − 1) ≤ α and P(X ≤ k) > α
  }

  private static boolean covers(Row r, String statistic, double exact) {
    return r.getDouble(r.fieldIndex(statistic + "_ci_low")) <= exact
        && exact <= r.getDouble(r.fieldIndex(statistic + "_ci_high"));
  }

  private static Map<String, Double> exactByKey(Dataset<Row> exact) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : exact.collectAsList()) {
      out.put(r.getString(0), ((Number) r.get(1)).doubleValue());
    }
    return out;
  }

  private static Dataset<Row> educationKeys() {
    List<Row> rows = new ArrayList<>();
    for (String e : EDUCATION) {
      rows.add(RowFactory.create(e));
    }
    return spark().createDataFrame(rows, new StructType().add("education", DataTypes.StringType));
  }

  private static PrivateDataFrame privateAdult() {
    // Budget for all releases of a test; each query spends its own ε.
    return privateAdult(PrivacyBudget.inMemory(1000, 1e-3));
  }

  private static PrivateDataFrame privateAdult(PrivacyBudget budget) {
    return PrivateDataFrame.of(adult, "person", budget)
        .maxGroupsContributed(1)
        .maxContributionsPerGroup(1);
  }

  /** {@value #RELEASES} releases of count by education (public groups), ε = 1; computed once. */
  private static synchronized List<Row> educationCountReleases() {
    if (educationCounts == null) {
      PrivateDataFrame pdf = privateAdult();
      List<Row> all = new ArrayList<>();
      for (int r = 0; r < RELEASES; r++) {
        all.addAll(
            pdf.groupBy("education")
                .publicGroups(educationKeys())
                .count()
                .epsilon(1.0)
                .releaseSecret(secret(1, r))
                .run()
                .collectAsList());
      }
      educationCounts = all;
    }
    return educationCounts;
  }

  @Test
  void countByEducation_twentyReleasesAtEpsilonOne_exactCountInsideCiAtNominalRate() {
    Map<String, Double> exact = exactByKey(adult.groupBy("education").count());
    assertThat(exact).hasSize(EDUCATION.size()).containsOnlyKeys(EDUCATION);
    List<Row> cells = educationCountReleases();
    assertThat(cells).hasSize(RELEASES * EDUCATION.size());
    int covered = 0;
    for (Row r : cells) {
      covered += covers(r, "count", exact.get(r.getString(0))) ? 1 : 0;
    }
    // n = 320: passes with at least minimumCovered(320) = 288 covered cells (90%).
    assertThat(covered)
        .as("cells covered, of %d", cells.size())
        .isGreaterThanOrEqualTo(minimumCovered(cells.size()));
  }

  /**
   * Count, sum and mean of hours per week by education (public groups), ε = 1: the planner derives
   * the sum from the count and a centred sum. {@code explain()}, which reads no data and spends
   * nothing, predicts exactly the noise std and interval half-width that the release reports for
   * the count and the sum (they do not depend on the data), and the sum's intervals cover the exact
   * bounded sums at the nominal rate: n = 320 cells, at least minimumCovered(320) = 288 (the same
   * binomial bound as the count above).
   */
  @Test
  void derivedSumByEducation_explainPredictsWhatIsReported_andIntervalsCover() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1000, 1e-3);
    double before = budget.spent().epsilon();
    PrivateAggregation query =
        privateAdult(budget)
            .groupBy("education")
            .publicGroups(educationKeys())
            .count()
            .sum("hours_per_week", 0, 100)
            .mean("hours_per_week", 0, 100)
            .epsilon(1.0);
    QueryAccuracy predicted = query.explain();
    assertThat(budget.spent().epsilon()).as("explain spends nothing").isEqualTo(before);
    assertThat(query.statisticNames())
        .containsExactly("count", "sum_hours_per_week", "mean_hours_per_week");

    Map<String, Double> exact =
        exactByKey(
            adult
                .groupBy("education")
                .agg(functions.sum(greatest(lit(0), least(lit(100), col("hours_per_week"))))));
    int covered = 0;
    int cells = 0;
    for (int r = 0; r < RELEASES; r++) {
      for (Row row : query.releaseSecret(secret(4, r)).run().collectAsList()) {
        for (int s = 0; s < 2; s++) {
          String name = query.statisticNames().get(s);
          QueryAccuracy.StatisticAccuracy p = predicted.statistics().get(s);
          assertThat(row.getDouble(row.fieldIndex(name + "_noise_std")))
              .as(name + " noise std")
              .isCloseTo(p.noiseStd(), within(1e-9 * p.noiseStd()));
          double halfWidth =
              (row.getDouble(row.fieldIndex(name + "_ci_high"))
                      - row.getDouble(row.fieldIndex(name + "_ci_low")))
                  / 2;
          assertThat(halfWidth)
              .as(name + " half-width")
              .isCloseTo(p.halfWidth95(), within(1e-6 * p.halfWidth95()));
        }
        covered += covers(row, "sum_hours_per_week", exact.get(row.getString(0))) ? 1 : 0;
        cells++;
      }
    }
    assertThat(cells).isEqualTo(RELEASES * EDUCATION.size());
    assertThat(covered)
        .as("sum cells covered, of %d", cells)
        .isGreaterThanOrEqualTo(minimumCovered(cells));
  }

  /**
   * The reported {@code count_noise_std} against the root mean square of (noisy − exact) over the n
   * = 320 cells. Each cell's noise is discrete Laplace with scale 1/ε = 1 on a grid 2^40 times
   * finer, which is Laplace(1) to within 1e-12: Y² has mean 2 and variance 20, so the mean of n
   * squares has a relative standard deviation of √(20/320)/2 = 0.125. The check accepts an
   * empirical/reported variance ratio in [0.55, 1.75] (a standard-deviation ratio in [0.74, 1.32]):
   * 3.6 standard deviations below and 6 above, because the mean of squares is right-skewed (Y² has
   * a heavy upper tail). In 4·10^6 simulated sets of 320 Laplace(1) draws the ratio fell below 0.55
   * in 2·10^-6 of them and above 1.75 in 6·10^-6: false-failure probability about 10^-5. A noise
   * standard deviation misreported by a factor √2 (a variance ratio of 2 or 0.5) fails.
   */
  @Test
  void countNoiseStd_twentyReleasesAtEpsilonOne_matchesEmpiricalSpread() {
    Map<String, Double> exact = exactByKey(adult.groupBy("education").count());
    List<Row> cells = educationCountReleases();
    double sumSquares = 0;
    double reported = cells.get(0).getDouble(cells.get(0).fieldIndex("count_noise_std"));
    for (Row r : cells) {
      assertThat(r.getDouble(r.fieldIndex("count_noise_std"))).isEqualTo(reported);
      double noise = r.getDouble(r.fieldIndex("count")) - exact.get(r.getString(0));
      sumSquares += noise * noise;
    }
    // Laplace(1/ε) with ε = 1 has standard deviation √2; the discrete one on a fine grid, too.
    assertThat(reported).isCloseTo(Math.sqrt(2), within(1e-6));
    double ratio = sumSquares / cells.size() / (reported * reported);
    assertThat(ratio).as("empirical / reported noise variance").isBetween(0.55, 1.75);
  }

  /**
   * Private groups (δ = 1e-6): occupations are released only when partition selection keeps them;
   * the check counts the cells actually released. Selection draws its own noise, so a released
   * cell's interval still covers with probability ≥ 0.95.
   */
  @Test
  void meanAgeByOccupation_twentyReleasesAtEpsilonOne_exactMeanInsideCiAtNominalRate() {
    Map<String, Double> exact =
        exactByKey(
            adult
                .groupBy("occupation")
                .agg(functions.avg(greatest(lit(17), least(lit(90), col("age"))))));
    PrivateDataFrame pdf = privateAdult();
    int n = 0;
    int covered = 0;
    for (int r = 0; r < RELEASES; r++) {
      for (Row row :
          pdf.groupBy("occupation")
              .mean("age", 17, 90)
              .epsilon(1.0)
              .delta(1e-6)
              .releaseSecret(secret(2, r))
              .run()
              .collectAsList()) {
        n++;
        covered += covers(row, "mean_age", exact.get(row.getString(0))) ? 1 : 0;
      }
    }
    // 15 occupations, "?" included. Selection (truncated geometric, the default with Laplace noise)
    // gets ε = 1/2 with L0 = 1, which keeps every group of 51 or more people with probability 1.
    // The smallest occupation apart from Armed-Forces (9 people) is Priv-house-serv (149 people),
    // so 14 occupations always appear; Armed-Forces may or may not.
    assertThat(n).isGreaterThanOrEqualTo(RELEASES * 14);
    assertThat(covered).as("cells covered, of %d", n).isGreaterThanOrEqualTo(minimumCovered(n));
  }

  /**
   * A global query (no keys): count, sum of capital gain clamped to [0, 5000] (clamping is active:
   * some gains reach 99,999), and mean of hours per week in [0, 100]. Each statistic is its own
   * check over {@value #RELEASES} cells (the count and the mean share a noisy row count, so the
   * statistics of one release are not independent of each other, but each statistic's cells are
   * independent across releases).
   */
  @Test
  void globalCountSumMean_twentyReleasesAtEpsilonOne_exactValuesInsideCiAtNominalRate() {
    Row exact =
        adult
            .agg(
                functions.count(lit(1)),
                functions.sum(greatest(lit(0), least(lit(5000), col("capital_gain")))),
                functions.avg(greatest(lit(0), least(lit(100), col("hours_per_week")))))
            .first();
    double exactCount = exact.getLong(0);
    double exactSum = exact.getLong(1);
    double exactMean = exact.getDouble(2);
    assertThat(exactCount).isEqualTo(32_561);
    PrivateDataFrame pdf = privateAdult();
    int[] covered = new int[3];
    for (int r = 0; r < RELEASES; r++) {
      Row row =
          pdf.aggregate()
              .count()
              .sum("capital_gain", 0, 5000)
              .mean("hours_per_week", 0, 100)
              .epsilon(1.0)
              .releaseSecret(secret(3, r))
              .run()
              .first();
      covered[0] += covers(row, "count", exactCount) ? 1 : 0;
      covered[1] += covers(row, "sum_capital_gain", exactSum) ? 1 : 0;
      covered[2] += covers(row, "mean_hours_per_week", exactMean) ? 1 : 0;
    }
    // n = 20: each passes with at least minimumCovered(20) = 14 covered cells (70%). That is a weak
    // check, but an interval that covered only half the time would fail it with probability 0.94.
    int min = minimumCovered(RELEASES);
    assertThat(covered[0]).as("count cells covered, of %d", RELEASES).isGreaterThanOrEqualTo(min);
    assertThat(covered[1]).as("sum cells covered, of %d", RELEASES).isGreaterThanOrEqualTo(min);
    assertThat(covered[2]).as("mean cells covered, of %d", RELEASES).isGreaterThanOrEqualTo(min);
  }
}
