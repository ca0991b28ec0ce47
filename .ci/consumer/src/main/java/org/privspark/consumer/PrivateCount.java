package org.privspark.consumer;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.Version;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * A private count, as a user of dp-spark writes it: 40 people with 3 visits each on local[1], an
 * in-memory budget of ε = 1, one release at ε = 0.5. Exits non-zero when the release or its charge is
 * not what the API promises.
 */
public final class PrivateCount {
  private PrivateCount() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder()
        .master("local[1]")
        .appName("privspark-consumer")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    try {
      StructType schema = new StructType()
          .add("user_id", DataTypes.LongType)
          .add("page", DataTypes.StringType);
      List<Row> rows = new ArrayList<>();
      for (long user = 0; user < 40; user++) {
        for (int visit = 0; visit < 3; visit++) {
          rows.add(RowFactory.create(user, "page-" + visit));
        }
      }
      Dataset<Row> visits = spark.createDataFrame(rows, schema);

      PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-6);
      List<Row> result = PrivateDataFrame.of(visits, "user_id", "person", budget)
          .aggregate()
          .count()
          .epsilon(0.5)
          .run()
          .collectAsList();

      require(result.size() == 1, "one global row, got " + result.size());
      Row row = result.get(0);
      double count = row.getDouble(row.fieldIndex("count"));
      double std = row.getDouble(row.fieldIndex("count_noise_std"));
      require(Double.isFinite(count), "a finite noisy count");
      require(std > 0, "a positive noise std");
      double spent = budget.spent().epsilon();
      require(spent > 0 && spent <= 1.0, "the release charged the budget within ε = 1, spent " + spent);
      System.out.printf("privspark-consumer: %s; noisy count %.1f (noise std %.2f), ε spent %.3f of 1.0%n",
          Version.describe("dp-spark"), count, std, spent);
    } finally {
      spark.stop();
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("privspark-consumer: expected " + what);
    }
  }
}
