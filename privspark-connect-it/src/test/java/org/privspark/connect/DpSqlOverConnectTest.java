package org.privspark.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.ledger.Ledger;

/**
 * DP SQL through the JVM Spark Connect client, against a server that loads the extension (issue 16,
 * section 3): the answers and the ledger entries they write, the refusal of a raw read of a private
 * table, and the over-budget error, each as the client sees it. The same calls in PySpark are in
 * docs/CONNECT.md. Every DP query here has δ = 0, so that the ledger's spent ε is the sum of the
 * queries' ε and each test can compare it before and after.
 */
class DpSqlOverConnectTest {
  private static final String DP_QUERY =
      "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.25, max_contributions_per_group = 5)"
          + " country, COUNT(*) AS visits, AVG(amount, 0, 100) AS avg_amount"
          + " FROM visits WHERE country IN ('DE', 'FR', 'US') GROUP BY country";

  private static ConnectFixture fixture;
  private static SparkSession spark;

  @BeforeAll
  static void createPrivateTable() throws Exception {
    fixture = ConnectFixture.get();
    spark = SparkSession.builder().remote(fixture.server.url()).create();
    // The data holder's steps, all over the client: create the table private, then fill it.
    spark.sql(
        "CREATE TABLE visits (user_id STRING, day STRING, country STRING, amount DOUBLE) USING"
            + " parquet TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
            + " 'privspark.privacy_unit_name'='person', 'privspark.ledger'='"
            + fixture.ledgerDir.toUri()
            + "')");
    spark.sql(
        "INSERT INTO visits SELECT CAST(id % 300 AS STRING), CONCAT('2026-12-0', CAST(id % 7 + 1"
            + " AS STRING)), ELT(CAST(id % 3 + 1 AS INT), 'FR', 'US', 'DE'), CAST(id % 50 AS"
            + " DOUBLE) FROM range(3000)");
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (spark != null) {
      spark.close();
    }
  }

  @Test
  void dpQuery_answersThroughTheClient_andWritesOneLedgerEntry() throws Exception {
    Ledger before = fixture.openLedger();
    long entriesBefore = before.entries();
    double spentBefore = before.spent().epsilon();

    Row[] rows = (Row[]) spark.sql(DP_QUERY).collect();

    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("DE", "FR", "US");
    assertThat(Arrays.asList(rows[0].schema().fieldNames()))
        .containsExactly(
            "country",
            "visits",
            "visits_noise_std",
            "visits_ci_low",
            "visits_ci_high",
            "avg_amount",
            "avg_amount_noise_std",
            "avg_amount_ci_low",
            "avg_amount_ci_high");
    Ledger after = fixture.openLedger();
    assertThat(after.entries()).isEqualTo(entriesBefore + 1);
    assertThat(after.entry(entriesBefore + 1).mechanism()).isEqualTo("private-aggregation");
    assertThat(after.spent().epsilon() - spentBefore).isCloseTo(0.25, within(1e-6));
  }

  @Test
  void dpResult_collectedAgain_isNeitherRerunNorChargedAgain() throws Exception {
    Dataset<Row> result = spark.sql(DP_QUERY);
    long entries = fixture.openLedger().entries();

    List<Row> first = result.collectAsList();
    List<Row> second = result.collectAsList();
    long count = result.count();

    assertThat(second).isEqualTo(first);
    assertThat(count).isEqualTo(3);
    assertThat(fixture.openLedger().entries()).isEqualTo(entries);
  }

  @Test
  void rawRead_ofThePrivateTable_isRefusedAtTheClient_andChargesNothing() throws Exception {
    long entries = fixture.openLedger().entries();

    assertThatThrownBy(() -> spark.sql("SELECT * FROM visits").collect())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("visits")
        .hasMessageContaining("is private");
    assertThatThrownBy(() -> spark.table("visits").count())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("visits")
        .hasMessageContaining("is private");
    assertThat(fixture.openLedger().entries()).isEqualTo(entries);
  }

  @Test
  void overBudget_failsAtTheClient_withTheRemainingBudget_andChargesNothing() throws Exception {
    Ledger before = fixture.openLedger();
    long entriesBefore = before.entries();
    double spentBefore = before.spent().epsilon();

    assertThatThrownBy(
            () ->
                spark
                    .sql(
                        "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = "
                            + (2 * ConnectFixture.BUDGET_EPSILON)
                            + ") COUNT(*) AS visits FROM visits")
                    .collect())
        .hasMessageContaining("remaining epsilon");
    Ledger after = fixture.openLedger();
    assertThat(after.entries()).isEqualTo(entriesBefore);
    assertThat(after.spent().epsilon()).isEqualTo(spentBefore);
  }
}
