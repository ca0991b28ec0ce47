package org.privspark.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harness itself: a server from the Maven class path answers a client's plain SQL. */
class ConnectSmokeTest {
  private static ConnectServer server;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    server =
        ConnectServer.start(Path.of(System.getProperty("connect.work.dir"), "smoke"), Map.of());
    spark = SparkSession.builder().remote(server.url()).getOrCreate();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (spark != null) {
        spark.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void plainSql_answersThroughTheClient() {
    Row[] rows = (Row[]) spark.sql("SELECT 1 AS one").collect();

    assertThat(rows).hasSize(1);
    assertThat(rows[0].getInt(0)).isEqualTo(1);
  }
}
