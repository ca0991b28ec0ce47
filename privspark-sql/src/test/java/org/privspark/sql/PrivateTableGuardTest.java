package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.sql.SqlFixture.assertNothingRanOrCharged;
import static org.privspark.sql.SqlFixture.observe;
import static org.privspark.sql.SqlFixture.spark;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way to read a private table other than a DP aggregation is refused at analysis: the message
 * says the table is private and names it, nothing is charged to any ledger and no Spark job runs.
 * The same statements on the public twin {@code visits_public} succeed (the positive controls), so
 * each refusal is the guard's doing, not a broken statement.
 */
class PrivateTableGuardTest {
  private static final String PRIVATE = "visits";
  private static final String PUBLIC = "visits_public";

  @BeforeAll
  static void session() {
    spark();
  }

  /**
   * Statements that read a table, named for the path they take: %1$s is the table, %2$s a suffix
   * fresh per run (statements that write create their own targets), %3$s the fixture's directory.
   */
  static Stream<Arguments> readingStatements() {
    return Stream.of(
        path("SELECT *", "SELECT * FROM %1$s"),
        path("column projection", "SELECT user_id, amount FROM %1$s"),
        path("WHERE", "SELECT day FROM %1$s WHERE amount > 50"),
        path("LIMIT", "SELECT amount FROM %1$s LIMIT 1"),
        path("non-DP aggregate COUNT(*)", "SELECT COUNT(*) FROM %1$s"),
        path("non-DP GROUP BY", "SELECT country, SUM(amount) FROM %1$s GROUP BY country"),
        path("subquery in FROM", "SELECT a FROM (SELECT amount AS a FROM %1$s) s"),
        path("CTE", "WITH c AS (SELECT * FROM %1$s) SELECT user_id FROM c"),
        path(
            "IN-subquery from a public table's query",
            "SELECT code FROM countries WHERE code IN (SELECT country FROM %1$s)"),
        path(
            "EXISTS subquery",
            "SELECT code FROM countries c WHERE EXISTS"
                + " (SELECT 1 FROM %1$s v WHERE v.country = c.code AND v.amount > 99)"),
        path("scalar subquery", "SELECT (SELECT MAX(amount) FROM %1$s) AS m"),
        path(
            "scalar subquery in a public table's WHERE",
            "SELECT code FROM countries WHERE (SELECT COUNT(*) FROM %1$s) > 0"),
        path(
            "join with a public table, no DP",
            "SELECT v.user_id, c.name FROM %1$s v JOIN countries c ON v.country = c.code"),
        path(
            "UNION with a public table",
            "SELECT country FROM %1$s UNION SELECT code FROM countries"),
        path("UNION ALL of the table twice", "SELECT * FROM %1$s UNION ALL SELECT * FROM %1$s"),
        path("TABLESAMPLE", "SELECT * FROM %1$s TABLESAMPLE (50 PERCENT)"),
        path("window function", "SELECT user_id, RANK() OVER (ORDER BY amount) FROM %1$s"),
        path("TABLE statement", "TABLE %1$s"),
        path("CACHE TABLE", "CACHE TABLE %1$s"),
        path("CACHE LAZY TABLE", "CACHE LAZY TABLE %1$s"),
        path("CACHE TABLE AS SELECT", "CACHE TABLE cached_%2$s AS SELECT * FROM %1$s"),
        path("INSERT INTO public SELECT", "INSERT INTO sink_%2$s SELECT * FROM %1$s"),
        path("INSERT OVERWRITE public SELECT", "INSERT OVERWRITE sink_%2$s SELECT * FROM %1$s"),
        path(
            "INSERT OVERWRITE DIRECTORY",
            "INSERT OVERWRITE DIRECTORY '%3$s/out-%2$s' USING parquet SELECT * FROM %1$s"),
        path(
            "CREATE TABLE AS SELECT", "CREATE TABLE ctas_%2$s USING parquet AS SELECT * FROM %1$s"),
        path("EXPLAIN", "EXPLAIN SELECT * FROM %1$s"),
        path("EXPLAIN EXTENDED", "EXPLAIN EXTENDED SELECT * FROM %1$s"),
        path("EXPLAIN FORMATTED", "EXPLAIN FORMATTED SELECT * FROM %1$s"),
        path("EXPLAIN CODEGEN", "EXPLAIN CODEGEN SELECT * FROM %1$s"),
        path("EXPLAIN COST", "EXPLAIN COST SELECT * FROM %1$s"),
        path("ANALYZE TABLE COMPUTE STATISTICS", "ANALYZE TABLE %1$s COMPUTE STATISTICS"),
        path(
            "ANALYZE TABLE COMPUTE STATISTICS FOR ALL COLUMNS",
            "ANALYZE TABLE %1$s COMPUTE STATISTICS FOR ALL COLUMNS"),
        path(
            "ANALYZE TABLE COMPUTE STATISTICS FOR COLUMNS amount",
            "ANALYZE TABLE %1$s COMPUTE STATISTICS FOR COLUMNS amount"));
  }

  private static Arguments path(String name, String sql) {
    return Arguments.of(Named.of(name, sql));
  }

  private static int runs;

  /** A fresh suffix per statement, and its write target (a public table) where it needs one. */
  private static String prepare(String template) {
    String suffix = "t" + (++runs);
    if (template.contains("sink_%2$s")) {
      spark()
          .sql("CREATE TABLE sink_" + suffix + " (" + SqlFixture.VISITS_SCHEMA + ") USING parquet");
    }
    return suffix;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readingStatements")
  void statement_readingPrivateTable_isRefusedBeforeAnyJobOrCharge(String template) {
    String sql = String.format(template, PRIVATE, prepare(template), SqlFixture.root());
    SqlFixture.Observed o = observe(() -> spark().sql(sql).collectAsList());
    assertRefused(o, PRIVATE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readingStatements")
  void statement_onPublicTwin_succeeds(String template) {
    String sql = String.format(template, PUBLIC, prepare(template), SqlFixture.root());
    SqlFixture.Observed o = observe(() -> spark().sql(sql).collectAsList());
    assertThat(o.thrown()).as(sql).isNull();
    assertThat(o.appended()).allMatch(n -> n == 0);
    spark().sql("CLEAR CACHE");
  }

  // ---- Views: refused when created over the table, or when read. ----

  @Test
  void tempView_overPrivateTable_isRefused() {
    assertRefusedAtCreateOrRead(
        "CREATE TEMP VIEW tv_private AS SELECT * FROM visits", "SELECT * FROM tv_private");
  }

  @Test
  void globalTempView_overPrivateTable_isRefused() {
    assertRefusedAtCreateOrRead(
        "CREATE GLOBAL TEMP VIEW gv_private AS SELECT * FROM visits",
        "SELECT * FROM global_temp.gv_private");
  }

  @Test
  void persistentView_overPrivateTable_isRefused() {
    assertRefusedAtCreateOrRead(
        "CREATE VIEW pv_private AS SELECT user_id, amount FROM visits", "SELECT * FROM pv_private");
  }

  @Test
  void viewOverView_overPrivateTable_isRefused() {
    // The inner view may already be refused; then the outer one reads nothing that exists.
    SqlFixture.Observed inner =
        observe(() -> spark().sql("CREATE VIEW pv_inner AS SELECT * FROM visits"));
    assertNothingRanOrCharged(inner);
    if (inner.thrown() != null) {
      assertRefused(inner, PRIVATE);
      return;
    }
    assertRefusedAtCreateOrRead(
        "CREATE VIEW pv_outer AS SELECT amount FROM pv_inner WHERE amount > 1",
        "SELECT * FROM pv_outer");
  }

  @Test
  void tempViewOverPersistentView_overPrivateTable_isRefused() {
    SqlFixture.Observed inner =
        observe(() -> spark().sql("CREATE VIEW pv_inner2 AS SELECT * FROM visits"));
    if (inner.thrown() != null) {
      assertRefused(inner, PRIVATE);
      return;
    }
    assertRefusedAtCreateOrRead(
        "CREATE TEMP VIEW tv_outer2 AS SELECT * FROM pv_inner2", "SELECT * FROM tv_outer2");
  }

  @Test
  void dataFrameTempView_overPrivateTable_isRefused() {
    SqlFixture.Observed o =
        observe(
            () -> {
              spark().table(PRIVATE).createOrReplaceTempView("df_view");
              spark().sql("SELECT * FROM df_view").collectAsList();
            });
    assertRefused(o, PRIVATE);
  }

  /**
   * A view made while the table was public, then the table marked private: the view reads it
   * anyway, so it must be refused at read time (a guard that only checks view creation misses it).
   */
  @Test
  void persistentView_createdBeforeTableWasMarkedPrivate_isRefusedAfter() {
    String t = SqlFixture.newPublicTable("later_private");
    spark().sql("CREATE VIEW later_private_view AS SELECT * FROM " + t);
    assertThat(spark().sql("SELECT * FROM later_private_view").count()).isPositive();
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(SqlFixture.otherLedger())
                + ")");
    SqlFixture.Observed o =
        observe(() -> spark().sql("SELECT * FROM later_private_view").collectAsList());
    assertRefused(o, t);
  }

  /** A table cached while public, then marked private: the cache must not serve it either. */
  @Test
  void cachedTable_thenMarkedPrivate_isRefused() {
    String t = SqlFixture.newPublicTable("cached_then_private");
    spark().sql("CACHE TABLE " + t);
    try {
      // Spark re-caches a table whose properties change; a guard may refuse that already.
      SqlFixture.Observed marked =
          observe(
              () ->
                  spark()
                      .sql(
                          "ALTER TABLE "
                              + t
                              + " SET TBLPROPERTIES ("
                              + SqlFixture.privateProperties(SqlFixture.otherLedger())
                              + ")"));
      if (marked.thrown() != null) {
        assertRefused(marked, t);
      }
      SqlFixture.Observed o = observe(() -> spark().sql("SELECT * FROM " + t).collectAsList());
      assertRefused(o, t);
    } finally {
      spark().sql("CLEAR CACHE");
    }
  }

  // ---- The Dataset API. ----

  @Test
  void sparkTable_collect_isRefused() {
    assertRefused(observe(() -> spark().table(PRIVATE).collect()), PRIVATE);
  }

  @Test
  void readTable_isRefused() {
    assertRefused(observe(() -> spark().read().table(PRIVATE).collectAsList()), PRIVATE);
  }

  @Test
  void dataFrameCount_isRefused() {
    assertRefused(observe(() -> spark().table(PRIVATE).count()), PRIVATE);
  }

  @Test
  void dataFrameRdd_isRefused() {
    assertRefused(observe(() -> spark().table(PRIVATE).javaRDD().count()), PRIVATE);
  }

  @Test
  void streamingRead_isRefused() {
    assertRefused(observe(() -> spark().readStream().table(PRIVATE)), PRIVATE);
  }

  @Test
  void dataFrameCache_isRefused() {
    assertRefused(observe(() -> spark().table(PRIVATE).cache().count()), PRIVATE);
  }

  @Test
  void catalogCacheTable_isRefused() {
    try {
      assertRefused(observe(() -> spark().catalog().cacheTable(PRIVATE)), PRIVATE);
    } finally {
      spark().sql("CLEAR CACHE");
    }
  }

  @Test
  void dataFrameApi_onPublicTwin_succeeds() {
    SparkSession s = spark();
    SqlFixture.Observed o =
        observe(
            () -> {
              s.table(PUBLIC).collect();
              s.read().table(PUBLIC).collectAsList();
              s.table(PUBLIC).count();
            });
    assertThat(o.thrown()).isNull();
    assertThat(o.jobs()).as("the job counter sees jobs").isPositive();
  }

  // ---- Changing the table's privacy, and DESCRIBE. ----

  @Test
  void alterTable_unsetLedger_isRefused() {
    assertRefused(
        observe(() -> spark().sql("ALTER TABLE visits UNSET TBLPROPERTIES ('privspark.ledger')")),
        PRIVATE);
    assertThat(ledgerProperty(PRIVATE)).isEqualTo(SqlFixture.visitsLedger().toString());
  }

  @Test
  void alterTable_unsetPrivacyUnit_isRefused() {
    assertRefused(
        observe(
            () -> spark().sql("ALTER TABLE visits UNSET TBLPROPERTIES ('privspark.privacy_unit')")),
        PRIVATE);
  }

  @Test
  void alterTable_setLedgerElsewhere_isRefused() {
    assertRefused(
        observe(
            () ->
                spark()
                    .sql(
                        "ALTER TABLE visits SET TBLPROPERTIES ('privspark.ledger'='"
                            + SqlFixture.root().resolve("ledgers/fresh")
                            + "')")),
        PRIVATE);
    assertThat(ledgerProperty(PRIVATE)).isEqualTo(SqlFixture.visitsLedger().toString());
  }

  @Test
  void alterTable_unsetLedger_onPublicTableWithOtherProperty_succeeds() {
    String t = SqlFixture.newPublicTable("unset_public");
    spark().sql("ALTER TABLE " + t + " SET TBLPROPERTIES ('owner_note'='x')");
    SqlFixture.Observed o =
        observe(() -> spark().sql("ALTER TABLE " + t + " UNSET TBLPROPERTIES ('owner_note')"));
    assertThat(o.thrown()).isNull();
  }

  @Test
  void describe_privateTable_works() {
    SqlFixture.Observed o =
        observe(
            () -> {
              List<Row> rows = spark().sql("DESCRIBE TABLE visits").collectAsList();
              assertThat(rows).extracting(r -> r.getString(0)).contains("user_id", "amount");
              List<Row> extended = spark().sql("DESCRIBE TABLE EXTENDED visits").collectAsList();
              assertThat(extended).isNotEmpty();
            });
    assertThat(o.thrown()).isNull();
    assertNothingRanOrCharged(o);
  }

  private static String ledgerProperty(String table) {
    return spark()
        .sql("SHOW TBLPROPERTIES " + table + " ('privspark.ledger')")
        .first()
        .getString(1);
  }

  // ---- Queries over two private tables, and the exception type. ----

  @Test
  void dpQuery_overTwoPrivateTablesWithDifferentLedgers_isRefusedNamingBoth() {
    SqlFixture.Observed o =
        observe(
            () ->
                spark()
                    .sql(
                        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) AS n"
                            + " FROM visits v JOIN visits_other w USING (user_id)")
                    .collectAsList());
    // Not Spark's parse error, which would echo the statement (and so both names).
    assertThat(
            SqlFixture.isA(o.thrown(), "org.privspark.sql.DpSqlException")
                || SqlFixture.isA(o.thrown(), "org.privspark.sql.PrivateTableException"))
        .as("refused by the extension: " + o.thrown())
        .isTrue();
    String m = o.thrown().getMessage();
    boolean namesTables = m.contains("visits_other") && m.matches("(?s).*\\bvisits\\b.*");
    boolean namesLedgers =
        m.contains(SqlFixture.visitsLedger().toString())
            && m.contains(SqlFixture.otherLedger().toString());
    assertThat(namesTables || namesLedgers).as("names both tables or both ledgers: " + m).isTrue();
    assertNothingRanOrCharged(o);
  }

  // ---- A DP query cannot carry a non-DP read of a private table with it. ----

  static Stream<Arguments> smuggledReads() {
    String dp = "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) ";
    return Stream.of(
        path(
            "public FROM, private IN-subquery",
            dp + "COUNT(*) AS n FROM countries WHERE code IN (SELECT country FROM visits)"),
        path(
            "exact MAX of the table in its own WHERE",
            dp + "COUNT(*) AS n FROM visits WHERE amount > (SELECT MAX(amount) FROM visits) - 1"),
        path(
            "groups listed by a subquery over the table itself",
            dp
                + "country, COUNT(*) AS n FROM visits"
                + " WHERE country IN (SELECT country FROM visits WHERE amount > 99)"
                + " GROUP BY country"),
        path(
            "EXISTS over the table in its own WHERE",
            dp
                + "COUNT(*) AS n FROM visits v WHERE EXISTS"
                + " (SELECT 1 FROM visits w WHERE w.user_id = v.user_id AND w.amount > 99)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smuggledReads")
  void dpQuery_withAnotherReadOfPrivateData_isRefusedBeforeTheCharge(String sql) {
    SqlFixture.Observed o = observe(() -> spark().sql(sql).collectAsList());
    assertThat(o.thrown()).as(sql).isInstanceOf(AnalysisException.class);
    assertThat(o.thrown())
        .isNotInstanceOf(org.apache.spark.sql.catalyst.parser.ParseException.class);
    assertNothingRanOrCharged(o);
  }

  @Test
  void rawRead_afterAFailedDpQuery_isStillRefused() {
    observe(
        () ->
            spark()
                .sql(
                    "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0) COUNT(*) AS n FROM"
                        + " visits")
                .collectAsList());
    assertRefused(observe(() -> spark().sql("SELECT * FROM visits").collectAsList()), PRIVATE);
  }

  /**
   * Column statistics computed while the table was public (min, max, distinct and null counts are
   * exact functions of the rows) must not be shown once it is private: DESCRIBE shows no data.
   */
  @Test
  void describeColumn_statisticsComputedBeforeMarkedPrivate_areNotShown() {
    String t = SqlFixture.newPublicTable("analysed_then_private");
    spark().sql("ANALYZE TABLE " + t + " COMPUTE STATISTICS FOR ALL COLUMNS");
    double max =
        SqlFixture.visits().stream().mapToDouble(SqlFixture.Visit::amount).max().orElseThrow();
    List<Row> before = spark().sql("DESCRIBE TABLE EXTENDED " + t + " amount").collectAsList();
    assertThat(before.toString())
        .as("the control: stats shown while public")
        .contains(String.valueOf(max));
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(SqlFixture.otherLedger())
                + ")");
    SqlFixture.Observed o =
        observe(
            () -> {
              List<Row> after =
                  spark().sql("DESCRIBE TABLE EXTENDED " + t + " amount").collectAsList();
              assertThat(after.toString()).doesNotContain(String.valueOf(max));
            });
    // Refused, or shown without the statistics; never the exact maximum.
    if (o.thrown() instanceof AssertionError) {
      throw (AssertionError) o.thrown();
    }
    if (o.thrown() != null) {
      assertRefused(o, t);
    }
  }

  @Test
  void refusal_saysHowToQueryTheTable() {
    SqlFixture.Observed o = observe(() -> spark().sql("SELECT * FROM visits").collectAsList());
    assertThat(o.thrown()).isNotNull();
    assertThat(o.thrown().getMessage())
        .contains("privacy unit user_id")
        .contains("SELECT WITH DIFFERENTIAL_PRIVACY");
  }

  /** The message names the table, says it is private, and no job ran and nothing was charged. */
  static void assertRefused(SqlFixture.Observed o, String table) {
    assertThat(o.thrown()).as("refused").isNotNull().isInstanceOf(AnalysisException.class);
    assertThat(o.thrown().getMessage())
        .contains("is private")
        .containsPattern("(?i)\\b" + table + "\\b");
    assertNothingRanOrCharged(o);
  }

  /**
   * {@code create} is either refused itself, or {@code read} of what it made is; either way nothing
   * runs and nothing is charged.
   */
  static void assertRefusedAtCreateOrRead(String create, String read) {
    SqlFixture.Observed made = observe(() -> spark().sql(create));
    if (made.thrown() != null) {
      assertRefused(made, PRIVATE);
      return;
    }
    assertNothingRanOrCharged(made);
    assertRefused(observe(() -> spark().sql(read).collectAsList()), PRIVATE);
  }
}
