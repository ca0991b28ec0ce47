package org.privspark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
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
 * The lead's first end-to-end check of the extension; the thorough tests are DpSqlTest and the
 * guard's.
 */
class DpSqlSmokeTest {
  static SparkSession spark;
  static Path dir;
  static Path ledgerDir;
  static Path key;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("dpsql");
    key = dir.resolve("KEY");
    NoteSigner signer = NoteSigner.generate("smoke");
    KeyFiles.write(key, signer);
    ledgerDir = dir.resolve("ledger");
    Ledger.create(
        new LocalDirectoryStore(ledgerDir),
        "smoke",
        3.0,
        1e-5,
        OrderGrid.defaults(),
        PrivacyUnit.of("person", "a visitor"),
        signer,
        OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))));
    spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
            .config("spark.sql.extensions", PrivSparkExtensions.class.getName())
            .config("spark.privspark.ledger.key", key.toString())
            .getOrCreate();
    spark.sql("CREATE TABLE visits (user_id STRING, country STRING, amount DOUBLE) USING parquet");
    spark.sql(
        "INSERT INTO visits SELECT CAST(id % 300 AS STRING), IF(id % 3 = 0, 'FR', 'US'), CAST(id %"
            + " 50 AS DOUBLE) FROM range(3000)");
    spark.sql("CREATE TABLE countries (country STRING) USING parquet");
    spark.sql("INSERT INTO countries VALUES ('FR'), ('US'), ('DE')");
    spark.sql(
        "ALTER TABLE visits SET TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
            + " 'privspark.privacy_unit_name'='person', 'privspark.ledger'='"
            + ledgerDir
            + "')");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void publicGroupsComeFromAJoinOrAnInSubquery() {
    for (String from :
        List.of(
            "country, COUNT(*) AS n FROM visits JOIN countries USING (country) GROUP BY country",
            "v.country, COUNT(*) AS n FROM visits v JOIN countries c ON v.country = c.country"
                + " GROUP BY v.country",
            "c.country, COUNT(*) AS n FROM visits v JOIN countries c ON v.country = c.country"
                + " GROUP BY c.country",
            "country, COUNT(*) AS n FROM visits WHERE country IN (SELECT country FROM countries)"
                + " GROUP BY country")) {
      List<Row> rows =
          spark
              .sql(
                  "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.1, noise_columns = false)"
                      + " "
                      + from)
              .collectAsList();
      assertThat(rows).extracting(r -> r.getString(0)).containsExactly("DE", "FR", "US");
      assertThat(rows.get(0).size()).isEqualTo(2);
    }
  }

  @Test
  void dpQueryAnswersAndRawReadIsRefused() {
    List<Row> rows =
        spark
            .sql(
                "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.5, delta = 1e-6,"
                    + " max_contributions_per_group = 10) country, COUNT(*) AS visits, AVG(amount,"
                    + " 0, 100) AS avg_amount FROM visits WHERE country IN ('FR', 'US', 'DE') GROUP"
                    + " BY country")
            .collectAsList();
    System.out.println(rows);
    assertThat(rows).hasSize(3);
    assertThatThrownBy(() -> spark.sql("SELECT * FROM visits").collect())
        .hasMessageContaining("is private");
    assertThatThrownBy(() -> spark.readStream().table("visits")).hasMessageContaining("is private");
    assertThat(spark.sql("DESCRIBE TABLE visits").collectAsList()).isNotEmpty();
    List<Row> explain =
        spark
            .sql(
                "EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.5, delta = 1e-6)"
                    + " country, COUNT(*) AS visits FROM visits GROUP BY country")
            .collectAsList();
    System.out.println(explain);
    assertThatThrownBy(
            () ->
                spark.sql(
                    "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 50)"
                        + " COUNT(*) AS visits FROM visits"))
        .hasMessageContaining("remaining epsilon");
  }
}
