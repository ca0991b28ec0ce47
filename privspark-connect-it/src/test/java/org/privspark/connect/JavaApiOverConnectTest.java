package org.privspark.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.ClassicSession;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * dp-spark's Java API handed a Spark Connect client's {@code Dataset} (docs/CONNECT.md): the
 * DataFrame API runs (its functions run on the server, which holds dp-spark through privspark-sql);
 * what needs a SparkContext is refused before anything is charged.
 */
class JavaApiOverConnectTest {
  private static SparkSession spark;

  @BeforeAll
  static void connect() throws Exception {
    spark = SparkSession.builder().remote(ConnectFixture.get().server.url()).create();
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (spark != null) {
      spark.close();
    }
  }

  private static Dataset<Row> visits() {
    return spark.sql(
        "SELECT CAST(id % 40 AS STRING) AS user_id, CAST(id % 50 AS DOUBLE) AS amount"
            + " FROM range(400)");
  }

  @Test
  void privateDataFrame_overConnect_releasesOnceAndChargesItsCost() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-6);
    PrivateAggregation query =
        PrivateDataFrame.of(visits(), "user_id", budget)
            .maxContributionsPerGroup(10)
            .aggregate()
            .count()
            .sum("amount", 0, 50)
            .epsilon(1);

    Row[] rows = (Row[]) query.run().collect();

    assertThat(spark.getClass().getName()).isEqualTo("org.apache.spark.sql.connect.SparkSession");
    assertThat(rows).hasSize(1);
    assertThat(Arrays.asList(rows[0].schema().fieldNames())).contains("count", "sum_amount");
    assertThat(budget.spent().epsilon()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void privateDataFrame_overAPrivateTable_isRefusedByTheGuard_beforeTheCharge() throws Exception {
    spark.sql(
        "CREATE TABLE IF NOT EXISTS visits_api (user_id STRING, amount DOUBLE) USING parquet"
            + " TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
            + " 'privspark.privacy_unit_name'='person', 'privspark.ledger'='"
            + ConnectFixture.get().ledgerDir.toUri()
            + "')");
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-6);

    assertThatThrownBy(
            () ->
                PrivateDataFrame.of(spark.table("visits_api"), "user_id", budget)
                    .aggregate()
                    .count()
                    .epsilon(1)
                    .run())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("visits_api")
        .hasMessageContaining("is private");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void classicOnlyEntryPoint_refusesAConnectDataset_namingDpSql() {
    Dataset<Row> data = visits();

    assertThat(ClassicSession.isClassic(data)).isFalse();
    assertThat(ClassicSession.isClassic(spark)).isFalse();
    assertThatThrownBy(() -> ClassicSession.require("dataset", data, "DPLogisticRegression.fit"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("DPLogisticRegression.fit needs a classic Spark session")
        .hasMessageContaining("org.apache.spark.sql.connect.Dataset")
        .hasMessageContaining("nothing was read or charged")
        .hasMessageContaining("SELECT WITH DIFFERENTIAL_PRIVACY");
  }
}
