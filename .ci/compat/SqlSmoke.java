import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The SQL extension's smoke test on one Spark version's jar set (.ci/compat-test runs it in Java's
 * source-file mode, with privspark-sql's -extension jar on that version's class path).
 *
 * <p>A classic session with {@code spark.sql.extensions=org.privspark.sql.PrivSparkExtensions}, one
 * private table on the ledger the script made, one {@code SELECT WITH DIFFERENTIAL_PRIVACY} query
 * with public groups, and a raw read that the guard must refuse. The script then checks the ledger
 * entry with the auditor. Arguments: WORK_DIR LEDGER_DIR KEY_FILE EXPECTED_SPARK_VERSION.
 */
public class SqlSmoke {
  public static void main(String[] args) {
    String work = args[0];
    String ledger = args[1];
    String key = args[2];
    String expectedVersion = args[3];
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", work + "/warehouse")
            .config("spark.sql.extensions", "org.privspark.sql.PrivSparkExtensions")
            .config("spark.privspark.ledger.key", key)
            .getOrCreate();
    try {
      check(spark.version().equals(expectedVersion), "the session runs Spark " + spark.version());
      spark.sql("CREATE TABLE visits (user_id STRING, country STRING, amount DOUBLE) USING parquet");
      spark.sql(
          "INSERT INTO visits SELECT CAST(id % 300 AS STRING), IF(id % 3 = 0, 'FR', 'US'),"
              + " CAST(id % 50 AS DOUBLE) FROM range(3000)");
      spark.sql(
          "ALTER TABLE visits SET TBLPROPERTIES ('privspark.privacy_unit'='user_id',"
              + " 'privspark.privacy_unit_name'='person', 'privspark.ledger'='"
              + ledger
              + "')");

      List<Row> rows =
          spark
              .sql(
                  "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.5,"
                      + " max_contributions_per_group = 10) country, COUNT(*) AS visits,"
                      + " AVG(amount, 0, 100) AS avg_amount FROM visits"
                      + " WHERE country IN ('DE', 'FR', 'US') GROUP BY country")
              .collectAsList();
      // Public groups: every listed country, the empty DE too, sorted by the key.
      check(rows.size() == 3, "the DP query released " + rows.size() + " groups, not 3");
      for (int i = 0; i < 3; i++) {
        check(rows.get(i).getString(0).equals(List.of("DE", "FR", "US").get(i)), "group " + i);
      }
      System.out.println("sql-smoke: DP query released " + rows);

      String refusal = null;
      try {
        spark.sql("SELECT * FROM visits").collectAsList();
      } catch (Exception e) {
        refusal = String.valueOf(e.getMessage());
      }
      check(refusal != null && refusal.contains("is private"), "a raw read was not refused");
      System.out.println("sql-smoke: raw read refused: " + refusal.lines().findFirst().orElse(""));
    } finally {
      spark.stop();
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("sql-smoke: FAILED: " + what);
    }
  }
}
