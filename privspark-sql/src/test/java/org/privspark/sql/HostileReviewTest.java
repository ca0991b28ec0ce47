package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.sql.SqlFixture.observe;
import static org.privspark.sql.SqlFixture.spark;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * A hostile review of issue 16 (an analyst with SQL access only): each test names one way past the
 * guard or one of the privacy rules, and fails while that way is open.
 */
class HostileReviewTest {
  private static final String DP = "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) ";

  @BeforeAll
  static void session() {
    spark();
  }

  /** The one thing a DP query may not do: fail after its charge (rule 2). */
  private static void assertNoFailureAfterTheCharge(SqlFixture.Observed o, String sql) {
    if (o.thrown() != null) {
      assertThat(o.appendedTotal())
          .as(
              "failed after charging a ledger entry (a noiseless bit): "
                  + sql
                  + " -> "
                  + o.thrown())
          .isZero();
    }
  }

  /**
   * RowLocal.tryConjunct leaves any filter conjunct that contains a subquery unwrapped, so a
   * throwing expression OR'ed with a harmless EXISTS fails the job after the charge exactly when a
   * chosen unit has a row: a noiseless membership oracle.
   */
  @Test
  void dpQuery_raiseErrorBesideASubqueryInWhere_doesNotFailAfterTheCharge() {
    String template =
        DP
            + "COUNT(*) AS n FROM visits WHERE"
            + " (CASE WHEN user_id = '%s' THEN raise_error('found') ELSE true END)"
            + " OR EXISTS (SELECT 1 FROM countries WHERE code = 'none')";
    // Such a condition is refused before the charge, whichever unit it names: the refusal reads no
    // row, so it says nothing about u3.
    for (String user : List.of("no-such-user", "u3")) {
      String sql = String.format(template, user);
      SqlFixture.Observed o =
          observe(() -> spark().sql(sql).collectAsList(), SqlFixture.visitsLedger());
      assertNoFailureAfterTheCharge(o, sql);
      assertThat(o.thrown()).as(sql).isNotNull();
      assertThat(o.thrown().getMessage()).contains("subquery");
    }
  }

  /**
   * RowLocal.guarded keeps every EqualTo conjunct of a join condition as it is, whatever its sides
   * compute: a throwing expression compared with a literal runs unguarded after the charge.
   */
  @Test
  void dpQuery_raiseErrorInAnEqualityOfTheJoinCondition_doesNotFailAfterTheCharge() {
    String sql =
        DP
            + "COUNT(*) AS n FROM visits v JOIN countries c ON v.country = c.code"
            + " AND (CASE WHEN v.user_id = 'u3' THEN raise_error('u3 is here') ELSE 1 END) = 1";
    SqlFixture.Observed o =
        observe(() -> spark().sql(sql).collectAsList(), SqlFixture.visitsLedger());
    assertNoFailureAfterTheCharge(o, sql);
  }

  /** The same with an ANSI cast in the equality: the error is CAST_INVALID_INPUT on a unit id. */
  @Test
  void dpQuery_ansiCastInAnEqualityOfTheJoinCondition_doesNotFailAfterTheCharge() {
    String sql =
        DP
            + "COUNT(*) AS n FROM visits v JOIN countries c ON v.country = c.code"
            + " AND CAST(v.user_id AS INT) + 0 = length(c.code)";
    SqlFixture.Observed o =
        observe(() -> spark().sql(sql).collectAsList(), SqlFixture.visitsLedger());
    assertNoFailureAfterTheCharge(o, sql);
  }

  private static String location(String table) {
    List<Row> rows = spark().sql("DESCRIBE TABLE EXTENDED " + table).collectAsList();
    return rows.stream()
        .filter(r -> "Location".equals(r.getString(0)))
        .map(r -> r.getString(1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("DESCRIBE shows no Location of " + table));
  }

  /**
   * DESCRIBE (allowed) shows the private table's location; Spark's SQL-on-files then reads its rows
   * with no catalog table, so the guard sees nothing private.
   */
  @Test
  void sqlOnFiles_atAPrivateTablesLocation_isRefused() {
    String sql = "SELECT user_id, amount FROM parquet.`" + location("visits") + "`";
    SqlFixture.Observed o = observe(() -> spark().sql(sql).collectAsList());
    assertThat(o.thrown()).as("raw rows of a private table through " + sql).isNotNull();
    assertThat(o.thrown()).isInstanceOf(AnalysisException.class);
  }

  /** A new, public table over the private table's files (the analyst never touches a file). */
  @Test
  void publicTable_overAPrivateTablesLocation_isRefused() {
    String loc = location("visits");
    SqlFixture.Observed o =
        observe(
            () -> {
              spark()
                  .sql(
                      "CREATE TABLE visits_copy_hr ("
                          + SqlFixture.VISITS_SCHEMA
                          + ") USING parquet LOCATION '"
                          + loc
                          + "'");
              spark().sql("SELECT * FROM visits_copy_hr").collectAsList();
            });
    assertThat(o.thrown()).as("raw rows through a second table over " + loc).isNotNull();
    assertThat(o.thrown()).isInstanceOf(AnalysisException.class);
  }

  /**
   * The ledger key's path is a session conf any client reads (SET); SQL-on-files then reads the
   * holder's signing key. A Connect client has no file system access, yet gets the key.
   */
  @Test
  void ledgerKeyFile_isNotReadableThroughSql() {
    String keyPath = spark().sql("SET spark.privspark.ledger.key").first().getString(1);
    SqlFixture.Observed o =
        observe(() -> spark().sql("SELECT value FROM text.`" + keyPath + "`").collectAsList());
    assertThat(o.thrown()).as("the ledger's signing key read through SQL").isNotNull();
  }

  /**
   * INSERT OVERWRITE DIRECTORY at a private table's ledger (its path is a table property, SHOW
   * TBLPROPERTIES shows it) deletes the ledger's entries: the charges' record, and the ledger with
   * it, is gone (the next DP query then fails to open it, so the spend does not come back).
   */
  @Test
  void insertOverwriteDirectory_intoALedger_isRefused() throws Exception {
    Path ledger = SqlFixture.root().resolve("ledgers/hostile");
    NoteSigner signer = KeyFiles.readSigner(SqlFixture.key());
    Ledger.create(
        new LocalDirectoryStore(ledger),
        signer.name(),
        1.0,
        1e-6,
        OrderGrid.defaults(),
        PrivacyUnit.of(SqlFixture.UNIT, "one person, identified by user_id"),
        signer,
        OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(SqlFixture.key()))));
    String t = SqlFixture.newPublicTable("visits_hostile_ledger");
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(ledger)
                + ")");
    String spend = DP + "COUNT(*) AS n FROM " + t;
    spark().sql(spend).collectAsList(); // spends the whole budget of 1
    assertThat(observe(() -> spark().sql(spend).collectAsList(), ledger).thrown())
        .as("control: over budget")
        .isNotNull();

    String ledgerPath =
        spark().sql("SHOW TBLPROPERTIES " + t + " ('privspark.ledger')").first().getString(1);
    int entries = SqlFixture.entries(ledger);
    SqlFixture.Observed wipe =
        observe(
            () ->
                spark()
                    .sql(
                        "INSERT OVERWRITE DIRECTORY '"
                            + ledgerPath
                            + "/entries' USING text SELECT 'x' AS value")
                    .collectAsList(),
            ledger);
    assertThat(SqlFixture.entries(ledger))
        .as("the ledger's entries after an analyst's INSERT OVERWRITE DIRECTORY: " + wipe.thrown())
        .isEqualTo(entries);

    SqlFixture.Observed again = observe(() -> spark().sql(spend).collectAsList(), ledger);
    assertThat(again.thrown()).as("a DP query after wiping the ledger's entries").isNotNull();
    assertThat(again.appendedTotal()).as("entries charged beyond the budget").isZero();
  }

  /**
   * Partition values are column values: a private table partitioned by its unit column lists every
   * unit through SHOW PARTITIONS, which reads no rows and so never reaches the guard.
   */
  @Test
  void showPartitions_ofAPrivateTable_isRefused() {
    spark()
        .sql(
            "CREATE TABLE visits_by_user_hr (amount DOUBLE, user_id STRING) USING parquet"
                + " PARTITIONED BY (user_id)");
    spark().sql("INSERT INTO visits_by_user_hr VALUES (1.0, 'u-secret-1'), (2.0, 'u-secret-2')");
    spark()
        .sql(
            "ALTER TABLE visits_by_user_hr SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(SqlFixture.otherLedger())
                + ")");
    SqlFixture.Observed o =
        observe(
            () -> {
              List<Row> rows = spark().sql("SHOW PARTITIONS visits_by_user_hr").collectAsList();
              assertThat(rows.toString()).doesNotContain("u-secret-1");
            });
    if (o.thrown() instanceof AssertionError) {
      throw (AssertionError) o.thrown();
    }
  }

  /**
   * Table statistics computed while the table was public: DESCRIBE TABLE EXTENDED shows the exact
   * row count (the existing test covers column statistics only).
   */
  @Test
  void describeExtended_rowCountComputedBeforeMarkedPrivate_isNotShown() {
    String t = SqlFixture.newPublicTable("counted_then_private");
    spark().sql("ANALYZE TABLE " + t + " COMPUTE STATISTICS");
    String rowsExact = SqlFixture.visits().size() + " rows";
    assertThat(spark().sql("DESCRIBE TABLE EXTENDED " + t).collectAsList().toString())
        .as("control: shown while public")
        .contains(rowsExact);
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(SqlFixture.otherLedger())
                + ")");
    SqlFixture.Observed o =
        observe(
            () ->
                assertThat(spark().sql("DESCRIBE TABLE EXTENDED " + t).collectAsList().toString())
                    .doesNotContain(rowsExact));
    if (o.thrown() instanceof AssertionError) {
      throw (AssertionError) o.thrown();
    }
  }

  /**
   * A CTE referenced twice is one private relation in the analysed plan (its definition) but two
   * reads of it: a self-join whose rows carry one unit's id and another unit's values.
   */
  @Test
  void dpQuery_cteOverThePrivateTableJoinedToItself_isRefusedBeforeTheCharge() {
    String sql =
        DP
            + "SUM(b_amount, 0, 100) AS s FROM (WITH c AS (SELECT user_id, amount FROM visits)"
            + " SELECT a.user_id, b.amount AS b_amount FROM c a JOIN c b ON b.user_id = 'u3') j";
    SqlFixture.Observed o =
        observe(() -> spark().sql(sql).collectAsList(), SqlFixture.visitsLedger());
    assertThat(o.thrown()).as(sql).isInstanceOf(AnalysisException.class);
    SqlFixture.assertNothingRanOrCharged(o);
  }

  /**
   * A DataFrame temp view keeps its analysed plan, with the table's catalog entry as it was then:
   * marking the table private afterwards (the data holder's step, while an analyst's Connect
   * session lives on) leaves the view reading it raw.
   */
  @Test
  void dataFrameTempView_createdBeforeTheTableWasMarkedPrivate_isRefusedAfter() {
    String t = SqlFixture.newPublicTable("viewed_then_private");
    spark().table(t).createOrReplaceTempView("early_view_hr");
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(SqlFixture.otherLedger())
                + ")");
    SqlFixture.Observed o =
        observe(() -> spark().sql("SELECT * FROM early_view_hr").collectAsList());
    PrivateTableGuardTest.assertRefused(o, t);
  }

  /**
   * A correlated scalar subquery that returns two rows exactly when a chosen unit's row passes:
   * Spark decorrelates it into a join whose single-row check fails the job after the charge (TRY
   * around the conjunct would not catch it: the check is not the conjunct's evaluation).
   */
  @Test
  void dpQuery_correlatedScalarSubqueryWithTwoRowsForOneUnit_doesNotFailAfterTheCharge() {
    String sql =
        DP
            + "COUNT(*) AS n FROM visits WHERE (SELECT c.name FROM countries c"
            + " WHERE c.code = visits.country OR visits.user_id = 'u3') IS NOT NULL";
    SqlFixture.Observed o =
        observe(() -> spark().sql(sql).collectAsList(), SqlFixture.visitsLedger());
    assertNoFailureAfterTheCharge(o, sql);
  }
}
