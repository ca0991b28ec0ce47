package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.sql.SqlFixture.assertNothingRanOrCharged;
import static org.privspark.sql.SqlFixture.observe;
import static org.privspark.sql.SqlFixture.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.AnalysisException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table properties of SQL-SPEC-16: a table with some {@code privspark.*} properties but not the
 * required ones is refused as misconfigured; a DP query on a table whose ledger does not exist, or
 * whose unit name is not its ledger's, is refused before the charge and creates no ledger; SQL
 * functions cannot wrap a read of a private table.
 */
class PrivateTablePropertiesTest {
  private static final String DP = "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) ";

  @BeforeAll
  static void session() {
    spark();
  }

  @Test
  void tableWithUnitButNoLedger_isRefusedAsMisconfigured() {
    String t = SqlFixture.newPublicTable("no_ledger_property");
    spark().sql("ALTER TABLE " + t + " SET TBLPROPERTIES ('privspark.privacy_unit'='user_id')");
    SqlFixture.Observed o = observe(() -> spark().sql("SELECT * FROM " + t).collectAsList());
    assertThat(o.thrown()).isInstanceOf(AnalysisException.class);
    assertThat(o.thrown().getMessage()).contains(t).contains("privspark.ledger");
    assertNothingRanOrCharged(o);
  }

  @Test
  void tableWithLedgerButNoUnit_isRefusedAsMisconfigured() {
    String t = SqlFixture.newPublicTable("no_unit_property");
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ('privspark.ledger'='"
                + SqlFixture.otherLedger()
                + "')");
    SqlFixture.Observed o = observe(() -> spark().sql("SELECT * FROM " + t).collectAsList());
    assertThat(o.thrown()).isInstanceOf(AnalysisException.class);
    assertThat(o.thrown().getMessage()).contains(t).contains("privspark.privacy_unit");
    assertNothingRanOrCharged(o);
  }

  @Test
  void dpQuery_ledgerDoesNotExist_isRefusedAndCreatesNoLedger() {
    Path missing = SqlFixture.root().resolve("ledgers/never-made");
    String t = SqlFixture.newPublicTable("missing_ledger");
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ("
                + SqlFixture.privateProperties(missing)
                + ")");
    SqlFixture.Observed o =
        observe(() -> spark().sql(DP + "COUNT(*) AS n FROM " + t).collectAsList());
    assertThat(o.thrown()).isInstanceOf(AnalysisException.class);
    assertThat(o.thrown().getMessage()).contains(missing.toString());
    assertNothingRanOrCharged(o);
    assertThat(Files.exists(missing)).as("SQL never creates a ledger").isFalse();
  }

  @Test
  void dpQuery_unitNameNotTheLedgers_isRefusedBeforeTheCharge() {
    String t = SqlFixture.newPublicTable("household_claim");
    spark()
        .sql(
            "ALTER TABLE "
                + t
                + " SET TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
                + " 'privspark.privacy_unit_name'='household', 'privspark.ledger'='"
                + SqlFixture.otherLedger()
                + "')");
    SqlFixture.Observed o =
        observe(() -> spark().sql(DP + "COUNT(*) AS n FROM " + t).collectAsList());
    assertThat(o.thrown()).isInstanceOf(AnalysisException.class);
    assertThat(o.thrown().getMessage()).contains("household").contains(SqlFixture.UNIT);
    assertNothingRanOrCharged(o);
  }

  @Test
  void sqlScalarFunction_readingPrivateTable_isRefused() {
    PrivateTableGuardTest.assertRefusedAtCreateOrRead(
        "CREATE FUNCTION max_visit_amount() RETURNS DOUBLE RETURN SELECT MAX(amount) FROM visits",
        "SELECT max_visit_amount()");
  }

  @Test
  void sqlTableFunction_readingPrivateTable_isRefused() {
    PrivateTableGuardTest.assertRefusedAtCreateOrRead(
        "CREATE FUNCTION visit_rows() RETURNS TABLE (user_id STRING, amount DOUBLE)"
            + " RETURN SELECT user_id, amount FROM visits",
        "SELECT * FROM visit_rows()");
  }
}
