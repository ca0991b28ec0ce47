package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.privspark.sql.SqlFixture.assertNothingRanOrCharged;
import static org.privspark.sql.SqlFixture.observe;
import static org.privspark.sql.SqlFixture.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.privspark.sql.SqlFixture.Visit;

/**
 * DP SQL on the private table {@code visits} (SQL-SPEC-16): the aggregates' intervals cover the
 * exact values computed from the generated rows, the options and aliases shape the output, public
 * groups list every group, EXPLAIN spends nothing, each query is one ledger entry, and bad queries
 * fail before the charge naming the problem.
 *
 * <p>Every query here bounds contributions loosely enough that nothing is dropped (a user has at
 * most 4 visits and one country; {@code max_contributions_per_group = 4}), so the exact value after
 * bounding is the exact value of the raw rows.
 */
class DpSqlTest {
  private static final String ALL_COUNTRIES = "('CH', 'DE', 'FR', 'IT')";

  /** Seeds of this class's fixed release secrets (another class uses others: one id per entry). */
  private static final AtomicInteger SEEDS = new AtomicInteger(1000);

  @BeforeAll
  static void session() {
    spark();
  }

  /** Runs a DP query with fixed secrets when the extension takes them (reproducible runs). */
  private static List<Row> dp(String sql) {
    Supplier<List<Row>> run = () -> spark().sql(sql).collectAsList();
    if (!SqlFixture.secretInjectable()) {
      return run.get();
    }
    return SqlFixture.withReleaseSecrets(
        () -> SqlFixture.fixedSecret(SEEDS.getAndIncrement()), run);
  }

  // ---- Exact values from the generated rows. ----

  private static List<Visit> rows(Predicate<Visit> p) {
    return SqlFixture.visits().stream().filter(p).toList();
  }

  private static double sum(List<Visit> v) {
    return v.stream().mapToDouble(Visit::amount).sum();
  }

  private static double mean(List<Visit> v) {
    return sum(v) / v.size();
  }

  private static double varPop(List<Visit> v) {
    double m = mean(v);
    return v.stream().mapToDouble(x -> (x.amount() - m) * (x.amount() - m)).sum() / v.size();
  }

  /** PERCENTILE_CONT: linear interpolation between the order statistics. */
  private static double percentileCont(List<Visit> v, double p) {
    double[] a = v.stream().mapToDouble(Visit::amount).sorted().toArray();
    double pos = p * (a.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return a[lo] + (pos - lo) * (a[hi] - a[lo]);
  }

  private static long users(List<Visit> v) {
    return v.stream().map(Visit::userId).distinct().count();
  }

  /** One released value against the exact one. */
  private record Cell(String name, double exact, double value, double std, double low, double hi) {
    boolean covers() {
      return low <= exact && exact <= hi;
    }
  }

  private static Cell cell(Row r, String name, double exact) {
    return new Cell(
        name + (r.schema().getFieldIndex("country").isDefined() ? "@" + r.getAs("country") : ""),
        exact,
        r.<Double>getAs(name),
        r.<Double>getAs(name + "_noise_std"),
        r.<Double>getAs(name + "_ci_low"),
        r.<Double>getAs(name + "_ci_high"));
  }

  @Test
  void aggregates_intervalsCoverTheExactValues() {
    List<Cell> cells = new ArrayList<>();
    List<Row> q1 =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 4, max_contributions_per_group ="
                + " 4) country, COUNT(*) AS n, COUNT(DISTINCT user_id) AS users, SUM(amount, 0,"
                + " 100) AS total, AVG(amount, 0, 100) AS mean FROM visits WHERE country IN "
                + ALL_COUNTRIES
                + " GROUP BY country");
    assertThat(q1).extracting(r -> r.<String>getAs("country")).isEqualTo(SqlFixture.COUNTRIES);
    for (Row r : q1) {
      List<Visit> g = rows(v -> v.country().equals(r.getAs("country")));
      cells.add(cell(r, "n", g.size()));
      cells.add(cell(r, "users", users(g)));
      cells.add(cell(r, "total", sum(g)));
      cells.add(cell(r, "mean", mean(g)));
    }
    List<Row> q2 =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 4, max_contributions_per_group ="
                + " 4) country, VAR_POP(amount, 0, 100) AS var, STDDEV_POP(amount, 0, 100) AS sd,"
                + " PERCENTILE_CONT(amount, 0.5, 0, 100) AS median FROM visits WHERE country IN "
                + ALL_COUNTRIES
                + " GROUP BY country");
    assertThat(q2).hasSize(SqlFixture.COUNTRIES.size());
    for (Row r : q2) {
      List<Visit> g = rows(v -> v.country().equals(r.getAs("country")));
      cells.add(cell(r, "var", varPop(g)));
      cells.add(cell(r, "sd", Math.sqrt(varPop(g))));
      cells.add(cell(r, "median", percentileCont(g, 0.5)));
    }
    List<Row> q3 =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 4, max_contributions_per_group ="
                + " 4) COUNT(*) AS n, COUNT(DISTINCT user_id) AS users, SUM(amount, 0, 100) AS"
                + " total, AVG(amount, 0, 100) AS mean, VAR_POP(amount, 0, 100) AS var,"
                + " STDDEV_POP(amount, 0, 100) AS sd, PERCENTILE_CONT(amount, 0.9, 0, 100) AS p90"
                + " FROM visits");
    assertThat(q3).hasSize(1);
    List<Visit> all = SqlFixture.visits();
    Row r = q3.get(0);
    cells.add(cell(r, "n", all.size()));
    cells.add(cell(r, "users", users(all)));
    cells.add(cell(r, "total", sum(all)));
    cells.add(cell(r, "mean", mean(all)));
    cells.add(cell(r, "var", varPop(all)));
    cells.add(cell(r, "sd", Math.sqrt(varPop(all))));
    cells.add(cell(r, "p90", percentileCont(all, 0.9)));

    assertThat(cells).hasSize(35);
    for (Cell c : cells) {
      assertThat(c.value()).as(c.name() + " within its own interval").isBetween(c.low(), c.hi());
      assertThat(c.std()).as(c.name() + "_noise_std").isPositive().isFinite();
    }
    // Each 95% interval covers its exact value with probability >= 0.95 (means, variances and
    // quantiles more: union bounds). Failing needs >= 8 misses of 35: probability <= 2.7e-4
    // (binomial tail; the fixed secrets make a run reproducible).
    List<Cell> missed = cells.stream().filter(c -> !c.covers()).toList();
    assertThat(missed).as("cells whose interval misses the exact value").hasSizeLessThan(8);
  }

  // ---- The output's shape. ----

  @Test
  void noiseColumnsFalse_dropsTheExtraColumns() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, noise_columns = false)"
                + " country, COUNT(*) AS n, SUM(amount, 0, 100) AS total FROM visits"
                + " WHERE country IN "
                + ALL_COUNTRIES
                + " GROUP BY country");
    assertThat(rows.get(0).schema().fieldNames()).containsExactly("country", "n", "total");
  }

  @Test
  void noiseColumnsDefault_addsStdAndInterval() {
    List<Row> rows =
        dp("SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) AS n FROM visits");
    assertThat(rows.get(0).schema().fieldNames())
        .containsExactly("n", "n_noise_std", "n_ci_low", "n_ci_high");
  }

  @Test
  void aliases_nameTheColumns() {
    List<Row> aliased =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, noise_columns = false)"
                + " COUNT(*) AS visits_n, AVG(amount, 0, 100) AS avg_amount FROM visits");
    assertThat(aliased.get(0).schema().fieldNames()).containsExactly("visits_n", "avg_amount");
  }

  @Test
  void noAliases_nameColumnsAsTheDataFrameApiDoes() {
    List<Row> plain =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, noise_columns = false)"
                + " COUNT(*), COUNT(DISTINCT user_id), SUM(amount, 0, 100), AVG(amount, 0, 100),"
                + " VAR_POP(amount, 0, 100), STDDEV_POP(amount, 0, 100) FROM visits");
    assertThat(plain.get(0).schema().fieldNames())
        .containsExactly(
            "count",
            "count_distinct_units",
            "sum_amount",
            "mean_amount",
            "variance_amount",
            "stddev_amount");
  }

  @Test
  void optionNames_areCaseInsensitive() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (EPSILON = 1, Noise_Columns = false)"
                + " COUNT(*) AS n FROM visits");
    assertThat(rows.get(0).schema().fieldNames()).containsExactly("n");
  }

  // ---- Public groups. ----

  @Test
  void publicGroupsInList_giveEveryListedGroup_includingAnEmptyOne() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) country, COUNT(*) AS n"
                + " FROM visits WHERE country IN ('DE', '"
                + SqlFixture.EMPTY_COUNTRY
                + "', 'CH') GROUP BY country");
    // Sorted by the key; XX has no visit and is released all the same.
    assertThat(rows)
        .extracting(r -> r.<String>getAs("country"))
        .containsExactly("CH", "DE", SqlFixture.EMPTY_COUNTRY);
  }

  @Test
  void publicGroupsFromPublicTable_giveEveryListedGroup_includingAnEmptyOne() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) country, COUNT(*) AS n"
                + " FROM visits WHERE country IN (SELECT code FROM countries) GROUP BY country");
    List<String> expected = new ArrayList<>(SqlFixture.COUNTRIES);
    expected.add(SqlFixture.EMPTY_COUNTRY);
    assertThat(rows).extracting(r -> r.<String>getAs("country")).isEqualTo(expected);
  }

  @Test
  void publicGroupsFromJoinWithPublicTable_giveEveryListedGroup_includingAnEmptyOne() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) country, COUNT(*) AS n"
                + " FROM visits JOIN (SELECT code AS country FROM countries) c USING (country)"
                + " GROUP BY country");
    List<String> expected = new ArrayList<>(SqlFixture.COUNTRIES);
    expected.add(SqlFixture.EMPTY_COUNTRY);
    assertThat(rows).extracting(r -> r.<String>getAs("country")).isEqualTo(expected);
  }

  @Test
  void publicGroupsFromJoinOn_keyFromEitherSide_giveEveryListedGroup() {
    List<String> expected = new ArrayList<>(SqlFixture.COUNTRIES);
    expected.add(SqlFixture.EMPTY_COUNTRY);
    for (String key : List.of("v.country", "c.code")) {
      List<Row> rows =
          dp(
              "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, noise_columns = false) "
                  + key
                  + " AS country, COUNT(*) AS n FROM visits v JOIN countries c ON v.country ="
                  + " c.code GROUP BY "
                  + key);
      assertThat(rows).as(key).extracting(r -> r.<String>getAs("country")).isEqualTo(expected);
    }
  }

  @Test
  void publicGroups_crossProductOfTwoKeys() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1, max_groups_contributed = 3)"
                + " country, day, COUNT(*) AS n FROM visits"
                + " WHERE country IN ('CH', 'XX') AND day IN ('2026-12-01', '2026-12-02')"
                + " GROUP BY country, day");
    assertThat(rows)
        .extracting(r -> r.<String>getAs("country") + "/" + r.<String>getAs("day"))
        .containsExactly("CH/2026-12-01", "CH/2026-12-02", "XX/2026-12-01", "XX/2026-12-02");
  }

  @Test
  void privateGroups_withDelta_releaseOnlyGroupsThatExist() {
    List<Row> rows =
        dp(
            "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 10, delta = 1e-4)"
                + " country, COUNT(*) AS n FROM visits GROUP BY country");
    // About 37 users per country: far above the selection's threshold at this epsilon.
    assertThat(rows)
        .extracting(r -> r.<String>getAs("country"))
        .isNotEmpty()
        .isSubsetOf(SqlFixture.COUNTRIES)
        .doesNotContain(SqlFixture.EMPTY_COUNTRY)
        .isSorted();
  }

  // ---- EXPLAIN. ----

  @Test
  void explain_spendsNothing_readsNothing_andPredictsTheRunsNoise() {
    String q =
        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) AS n,"
            + " SUM(amount, 0, 100) AS total FROM visits";
    AtomicReference<List<Row>> out = new AtomicReference<>();
    AtomicReference<Dataset<Row>> df = new AtomicReference<>();
    SqlFixture.Observed o =
        observe(
            () -> {
              df.set(spark().sql("EXPLAIN " + q));
              out.set(df.get().collectAsList());
            });
    assertThat(o.thrown()).isNull();
    assertNothingRanOrCharged(o);
    assertThat(df.get().schema().fieldNames())
        .containsExactly("output", "statistic", "noise_std", "ci_half_width");
    List<Row> rows = out.get();
    assertThat(rows).extracting(r -> r.getString(0)).contains("n", "total", "(query)");
    Row eps = find(rows, "(query)", "epsilon");
    assertThat(eps.getDouble(2)).isBetween(1.0, 1.0 + 1e-6);
    assertThat(find(rows, "(query)", "delta").getDouble(2)).isZero();
    Row n = rows.stream().filter(r -> r.getString(0).equals("n")).findFirst().orElseThrow();
    assertThat(n.getDouble(2)).isPositive();
    assertThat(n.getDouble(3)).isPositive();
    // A count's noise does not depend on the data: the run's std is the one predicted.
    Row run = dp(q).get(0);
    assertThat(run.<Double>getAs("n_noise_std")).isCloseTo(n.getDouble(2), within(1e-9));
  }

  private static Row find(List<Row> rows, String output, String statistic) {
    return rows.stream()
        .filter(r -> r.getString(0).equals(output) && r.getString(1).equals(statistic))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + output + "/" + statistic + ": " + rows));
  }

  // ---- The ledger. ----

  @Test
  void dpQuery_appendsExactlyOneEntry_andReCollectingRunsAndChargesNothing() {
    AtomicReference<Dataset<Row>> df = new AtomicReference<>();
    long before = SqlFixture.entries(SqlFixture.visitsLedger());
    SqlFixture.Observed first =
        observe(
            () -> {
              df.set(
                  spark()
                      .sql(
                          "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1)"
                              + " COUNT(*) AS n FROM visits"));
              df.get().collectAsList();
            });
    assertThat(first.thrown()).isNull();
    assertThat(first.appended()).containsExactly(1, 0, 0);
    assertThat(SqlFixture.entry(SqlFixture.visitsLedger(), before + 1).mechanism())
        .isEqualTo("private-aggregation");
    List<Row> once = df.get().collectAsList();
    SqlFixture.Observed again = observe(() -> df.get().collectAsList());
    assertThat(again.thrown()).isNull();
    assertNothingRanOrCharged(again);
    assertThat(df.get().collectAsList()).isEqualTo(once);
  }

  @Test
  void overBudget_failsWithRemainingEpsilon_andChargesNothing() {
    SqlFixture.Observed o =
        observe(
            () ->
                spark()
                    .sql(
                        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 2)"
                            + " COUNT(*) AS n FROM visits_small")
                    .collectAsList());
    assertThat(o.thrown()).isNotNull();
    assertThat(o.thrown().getMessage()).contains("remaining epsilon");
    assertNothingRanOrCharged(o);
  }

  // ---- Validation: before the charge, naming the problem. ----

  static Stream<Arguments> invalidQueries() {
    // Every aggregate has an alias: the checks must not hinge on the naming of unaliased ones.
    String count = " COUNT(*) AS n FROM visits";
    return Stream.of(
        bad("epsilon = 0", "OPTIONS (epsilon = 0)" + count, "epsilon"),
        bad("epsilon negative", "OPTIONS (epsilon = -1)" + count, "epsilon"),
        bad("epsilon missing", "OPTIONS (delta = 1e-6)" + count, "epsilon"),
        bad("delta = 1", "OPTIONS (epsilon = 1, delta = 1)" + count, "delta"),
        bad("unknown option", "OPTIONS (epsilon = 1, colour = 1)" + count, "colour"),
        bad(
            "max_groups_contributed = 0",
            "OPTIONS (epsilon = 1, max_groups_contributed = 0)" + count,
            "max_groups_contributed"),
        bad(
            "max_contributions_per_group = 1.5",
            "OPTIONS (epsilon = 1, max_contributions_per_group = 1.5)" + count,
            "max_contributions_per_group"),
        bad("unknown noise", "OPTIONS (epsilon = 1, noise = 'cauchy')" + count, "noise", "cauchy"),
        bad(
            "privacy_unit_column not the table's",
            "OPTIONS (epsilon = 1, privacy_unit_column = country)" + count,
            "privacy_unit_column",
            "user_id"),
        bad(
            "unknown column",
            "OPTIONS (epsilon = 1) SUM(no_such_column, 0, 1) AS s FROM visits",
            "no_such_column"),
        bad(
            "lo > hi",
            "OPTIONS (epsilon = 1) SUM(amount, 100, 0) AS s FROM visits",
            "amount",
            "100"),
        bad("lo = hi", "OPTIONS (epsilon = 1) AVG(amount, 5, 5) AS m FROM visits", "amount", "5"),
        bad(
            "bounds not literals",
            "OPTIONS (epsilon = 1) SUM(amount, 0, amount) AS s FROM visits",
            "amount",
            "literal"),
        bad(
            "unsupported aggregate MAX",
            "OPTIONS (epsilon = 1) MAX(amount) AS m FROM visits",
            "MAX"),
        bad(
            "COUNT(DISTINCT) of another column",
            "OPTIONS (epsilon = 1) COUNT(DISTINCT country) AS c FROM visits",
            "DISTINCT",
            "user_id"),
        bad(
            "UDF in WHERE",
            "OPTIONS (epsilon = 1)" + count + " WHERE privspark_plus_one(amount) > 10",
            "privspark_plus_one"),
        bad("rand() in WHERE", "OPTIONS (epsilon = 1)" + count + " WHERE rand() < 0.5", "rand"),
        bad(
            "GROUP BY an expression",
            "OPTIONS (epsilon = 1, delta = 1e-5) substr(day, 1, 7) AS month, COUNT(*) AS n"
                + " FROM visits GROUP BY substr(day, 1, 7)",
            "substr"),
        bad(
            "select item not a group key",
            "OPTIONS (epsilon = 1) day, COUNT(*) AS n FROM visits"
                + " WHERE country IN ('CH') GROUP BY country",
            "day"),
        bad(
            "private groups without delta",
            "OPTIONS (epsilon = 1) country, COUNT(*) AS n FROM visits GROUP BY country",
            "delta"),
        bad(
            "LIMIT before the aggregation",
            "OPTIONS (epsilon = 1) COUNT(*) AS n FROM (SELECT * FROM visits LIMIT 10) s",
            "LIMIT"),
        bad(
            "aggregation before the aggregation",
            "OPTIONS (epsilon = 1) COUNT(*) AS n FROM"
                + " (SELECT user_id, SUM(amount) AS s FROM visits GROUP BY user_id) t",
            "aggregat"),
        bad(
            "private table read in a WHERE subquery",
            "OPTIONS (epsilon = 1)"
                + count
                + " WHERE amount > (SELECT AVG(amount) FROM visits_other)",
            "visits_other"));
  }

  private static Arguments bad(String name, String rest, String... named) {
    return Arguments.of(Named.of(name, "SELECT WITH DIFFERENTIAL_PRIVACY " + rest), List.of(named));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidQueries")
  void invalidQuery_failsNamingTheProblem_andChargesNothing(String sql, List<String> named) {
    spark()
        .udf()
        .register(
            "privspark_plus_one",
            (UDF1<Double, Double>) x -> x == null ? null : x + 1,
            DataTypes.DoubleType);
    SqlFixture.Observed o = observe(() -> spark().sql(sql).collectAsList());
    assertThat(o.thrown()).as(sql).isInstanceOf(AnalysisException.class);
    // A parse error echoes the statement, and so every name in it: it names no problem.
    assertThat(o.thrown())
        .as("not a parse error")
        .isNotInstanceOf(org.apache.spark.sql.catalyst.parser.ParseException.class);
    String message = ((AnalysisException) o.thrown()).getSimpleMessage();
    for (String n : named) {
      assertThat(message).containsIgnoringCase(n);
    }
    assertNothingRanOrCharged(o);
  }

  // ---- Nothing data-dependent fails after the charge. ----

  /**
   * Expressions that throw on some private values (ANSI casts and division, raise_error,
   * assert_true): a failure after the charge would release an exact bit of the data (whether such a
   * value exists) for the query's epsilon. Each query must either be refused before the charge or
   * run to its release.
   */
  static Stream<Arguments> dataDependentFailures() {
    String q = "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) AS n FROM ";
    return Stream.of(
        Arguments.of(Named.of("ANSI cast in WHERE", q + "visits WHERE CAST(day AS INT) > 0")),
        Arguments.of(
            Named.of(
                "raise_error in WHERE",
                q + "visits WHERE CASE WHEN amount > 99 THEN raise_error('big') ELSE true END")),
        Arguments.of(
            Named.of("assert_true in WHERE", q + "visits WHERE assert_true(amount < 99) IS NULL")),
        Arguments.of(
            Named.of("division by zero in WHERE", q + "visits WHERE 1 / (amount - amount) > 0")),
        Arguments.of(
            Named.of(
                "ANSI cast in a FROM subquery's column",
                q + "(SELECT user_id, CAST(day AS INT) AS d FROM visits) s WHERE d IS NULL")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dataDependentFailures")
  void dataDependentFailure_neverFailsAfterTheCharge(String sql) {
    SqlFixture.Observed o = observe(() -> spark().sql(sql).collectAsList());
    if (o.thrown() != null) {
      assertThat(o.thrown().getMessage()).as("failed after the charge").doesNotContain("charged");
      assertNothingRanOrCharged(o);
    } else {
      assertThat(o.appended()).containsExactly(1, 0, 0);
    }
  }

  @Test
  void validationError_isDpSqlException() {
    SqlFixture.Observed o =
        observe(
            () ->
                spark()
                    .sql(
                        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0) COUNT(*) FROM"
                            + " visits")
                    .collectAsList());
    assertThat(SqlFixture.isA(o.thrown(), "org.privspark.sql.DpSqlException"))
        .as("a DpSqlException; got " + (o.thrown() == null ? null : o.thrown().getClass()))
        .isTrue();
  }

  /** The exact-value helpers agree with direct computations: the coverage test compares right. */
  @Test
  void exactValues_ofTheFixture_areConsistent() {
    List<Visit> all = SqlFixture.visits();
    ToDoubleFunction<Visit> a = Visit::amount;
    double[] sorted = all.stream().mapToDouble(a).sorted().toArray();
    assertThat(percentileCont(all, 0.0)).isEqualTo(sorted[0]);
    assertThat(percentileCont(all, 1.0)).isEqualTo(sorted[sorted.length - 1]);
    assertThat(varPop(all))
        .isCloseTo(
            Arrays.stream(sorted).map(x -> x * x).average().orElseThrow() - mean(all) * mean(all),
            within(1e-6));
    assertThat(users(all)).isEqualTo(150);
    assertThat(all.size()).isBetween(150, 150 * SqlFixture.MAX_VISITS);
  }
}
