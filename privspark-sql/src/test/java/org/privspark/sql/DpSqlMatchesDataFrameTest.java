package org.privspark.sql;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.sql.SqlFixture.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.noise.Secret;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * The target: the SQL path gives results identical to the DataFrame API for the same query,
 * bounds and release secret.
 *
 * <p>Why the comparison is fair: a release's noise is keyed by {@code ReleaseKey.of(secret, id)},
 * the secret bound to the release id its charge was recorded under, and every cell's noise by that
 * key and the cell's id (measurement name and group). Both budgets here record the id the query
 * asks for, {@code secret.releaseId()}: the ledger behind the SQL table and the in-memory budget of
 * the DataFrame query ({@code Ledger.record} and the in-memory budget return it unchanged). So the
 * same secret, data and plan must give the same numbers, bit for bit. Each comparison uses a secret
 * of its own: a ledger refuses a release id it has recorded before.
 *
 * <p>The SQL queries name their columns as the DataFrame API does (with AS, so that the comparison
 * does not hinge on the default names, which DpSqlTest checks).
 *
 * <p>The SQL path reads the private table's parquet files; the DataFrame API gets the same rows
 * built in memory. Contributions are bounded loosely enough that no row is dropped, so neither the
 * row order nor the partitioning can change what is kept.
 */
class DpSqlMatchesDataFrameTest {
  private static int seed = 2000;

  @BeforeAll
  static void session() {
    spark();
  }

  private static Secret nextSecret() {
    return SqlFixture.fixedSecret(seed++);
  }

  /** The SQL query's rows, its release keyed by {@code secret}. */
  private static List<Row> sql(Secret secret, String query) {
    assertThat(SqlFixture.secretInjectable())
        .as("PrivSparkExtensions has a constructor taking a Supplier<Secret> (SQL-SPEC-16)")
        .isTrue();
    return SqlFixture.withReleaseSecrets(() -> secret, () -> spark().sql(query).collectAsList());
  }

  private static PrivateDataFrame frame(UnaryOperator<Dataset<Row>> filter) {
    PrivacyBudget budget =
        PrivacyBudget.inMemory(
            1000.0,
            1e-3,
            OrderGrid.defaults(),
            PrivacyUnit.of(SqlFixture.UNIT, "one person, identified by user_id"));
    return PrivateDataFrame.of(
        filter.apply(SqlFixture.rawFrame()), "user_id", SqlFixture.UNIT, budget);
  }

  /** Every column of the DataFrame result equals the SQL result's column of the same name. */
  private static void assertSame(List<Row> fromSql, List<Row> fromApi) {
    assertThat(fromSql).hasSameSizeAs(fromApi).isNotEmpty();
    for (int i = 0; i < fromApi.size(); i++) {
      Row api = fromApi.get(i);
      Row sql = fromSql.get(i);
      for (String c : api.schema().fieldNames()) {
        assertThat(sql.schema().getFieldIndex(c).isDefined())
            .as("SQL output has column " + c + ": " + sql.schema().simpleString())
            .isTrue();
        assertThat((Object) sql.getAs(c)).as(c + " of row " + i).isEqualTo(api.getAs(c));
      }
    }
  }

  @Test
  void globalCountSumMean_identicalToDataFrameApi() {
    Secret s = nextSecret();
    List<Row> fromSql =
        sql(
            s,
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, max_contributions_per_group ="
                + " 4) COUNT(*) AS count, SUM(amount, 0, 100) AS sum_amount, AVG(amount, 0, 100) AS"
                + " mean_amount FROM visits");
    List<Row> fromApi =
        frame(UnaryOperator.identity())
            .maxContributionsPerGroup(4)
            .aggregate()
            .count()
            .sum("amount", 0, 100)
            .mean("amount", 0, 100)
            .epsilon(1)
            .releaseSecret(s)
            .run()
            .collectAsList();
    assertSame(fromSql, fromApi);
  }

  @Test
  void publicGroupsGaussian_identicalToDataFrameApi() {
    Secret s = nextSecret();
    List<String> listed = new ArrayList<>(SqlFixture.COUNTRIES);
    listed.add(SqlFixture.EMPTY_COUNTRY);
    List<Row> fromSql =
        sql(
            s,
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 2, delta = 1e-6,"
                + " noise = 'gaussian', max_contributions_per_group = 4) country,"
                + " COUNT(DISTINCT user_id) AS count_distinct_units, VAR_POP(amount, 0, 100) AS"
                + " variance_amount, STDDEV_POP(amount, 0, 100) AS stddev_amount"
                + " FROM visits WHERE country IN ('CH', 'DE', 'FR', 'IT', 'XX') GROUP BY country");
    List<Row> keys = listed.stream().map(RowFactory::create).toList();
    Dataset<Row> publicKeys =
        spark().createDataFrame(keys, new StructType().add("country", DataTypes.StringType));
    PrivateAggregation q =
        frame(d -> d.filter(col("country").isin(listed.toArray())))
            .maxContributionsPerGroup(4)
            .groupBy("country")
            .publicGroups(publicKeys)
            .countDistinctUnits()
            .variance("amount", 0, 100)
            .stddev("amount", 0, 100)
            .epsilon(2)
            .delta(1e-6)
            .noise(NoiseKind.GAUSSIAN)
            .releaseSecret(s);
    assertSame(fromSql, q.run().collectAsList());
  }

  @Test
  void privateGroups_identicalToDataFrameApi() {
    Secret s = nextSecret();
    List<Row> fromSql =
        sql(
            s,
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 10, delta = 1e-4,"
                + " max_groups_contributed = 3, max_contributions_per_group = 4) day, COUNT(*) AS"
                + " count, SUM(amount, 0, 100) AS sum_amount FROM visits GROUP BY day");
    List<Row> fromApi =
        frame(UnaryOperator.identity())
            .maxGroupsContributed(3)
            .maxContributionsPerGroup(4)
            .groupBy("day")
            .count()
            .sum("amount", 0, 100)
            .epsilon(10)
            .delta(1e-4)
            .releaseSecret(s)
            .run()
            .collectAsList();
    assertSame(fromSql, fromApi);
  }

  /**
   * PERCENTILE_CONT gives a double per rank where the DataFrame API gives one array per column;
   * ranks of one column with the same bounds share one histogram, as {@code quantiles(..)} does.
   */
  @Test
  void percentiles_identicalToDataFrameApiQuantiles() {
    Secret s = nextSecret();
    Row sql =
        sql(
                s,
                "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1,"
                    + " max_contributions_per_group = 4) PERCENTILE_CONT(amount, 0.5, 0, 100) AS"
                    + " p50, PERCENTILE_CONT(amount, 0.9, 0, 100) AS p90 FROM visits")
            .get(0);
    Row api =
        frame(UnaryOperator.identity())
            .maxContributionsPerGroup(4)
            .aggregate()
            .quantiles("amount", 0, 100, 0.5, 0.9)
            .epsilon(1)
            .releaseSecret(s)
            .run()
            .collectAsList()
            .get(0);
    List<Double> q = api.getList(api.fieldIndex("quantiles_amount"));
    List<Double> lo = api.getList(api.fieldIndex("quantiles_amount_ci_low"));
    List<Double> hi = api.getList(api.fieldIndex("quantiles_amount_ci_high"));
    String[] names = {"p50", "p90"};
    for (int i = 0; i < names.length; i++) {
      assertThat(sql.<Double>getAs(names[i])).as(names[i]).isEqualTo(q.get(i));
      assertThat(sql.<Double>getAs(names[i] + "_ci_low"))
          .as(names[i] + "_ci_low")
          .isEqualTo(lo.get(i));
      assertThat(sql.<Double>getAs(names[i] + "_ci_high"))
          .as(names[i] + "_ci_high")
          .isEqualTo(hi.get(i));
      assertThat(sql.<Double>getAs(names[i] + "_noise_std"))
          .as(names[i] + "_noise_std (the API's one figure for the column)")
          .isEqualTo(api.<Double>getAs("quantiles_amount_noise_std"));
    }
  }

  /** The control: another secret gives other noise, so the equalities above can fail. */
  @Test
  void differentSecret_givesDifferentValues() {
    String q =
        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, max_contributions_per_group = 4)"
            + " COUNT(*) AS count, SUM(amount, 0, 100) AS sum_amount FROM visits";
    Row a = sql(nextSecret(), q).get(0);
    Row b = sql(nextSecret(), q).get(0);
    // Both noises equal under two secrets: probability well below 10^-3 (the sum's noise alone,
    // of scale 800 on a fine grid, repeats with probability < 10^-3); fixed secrets: reproducible.
    assertThat(List.of(a.<Double>getAs("count"), a.<Double>getAs("sum_amount")))
        .isNotEqualTo(List.of(b.<Double>getAs("count"), b.<Double>getAs("sum_amount")));
  }
}
