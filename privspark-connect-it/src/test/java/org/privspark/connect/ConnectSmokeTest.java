package org.privspark.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harness itself: a server from the Maven class path answers a client's plain SQL. */
class ConnectSmokeTest {
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

  @Test
  void plainSql_answersThroughTheClient() {
    Row[] rows = (Row[]) spark.sql("SELECT 1 AS one").collect();

    assertThat(rows).hasSize(1);
    assertThat(rows[0].getInt(0)).isEqualTo(1);
  }
}
