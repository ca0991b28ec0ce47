package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * "Noise drawn once" with a BinaryType group key. A cell id once used {@code
 * row.get(k).toString()}: for a binary key, a byte[] whose toString() is "[B@" + identity hash
 * code, new every time the row is materialised, so the noise of every cell was redrawn on each
 * evaluation. Found by the utility-test work; fixed by hex-encoding.
 */
class GroupKeyTypesTest {
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32
          });

  @Test
  void release_binaryGroupKeyCollectedTwice_returnsIdenticalRows() {
    StructType schema =
        new StructType().add("user", DataTypes.StringType).add("grp", DataTypes.BinaryType);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      rows.add(RowFactory.create("u" + u, ("g" + u % 2).getBytes(StandardCharsets.UTF_8)));
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, schema);
    Dataset<Row> result =
        PrivateDataFrame.of(data, "user", PrivacyBudget.inMemory(10, 1e-5))
            .groupBy("grp")
            .count()
            .epsilon(1)
            .delta(1e-6)
            .releaseSecret(SECRET)
            .run();
    List<Double> first = counts(result);
    List<Double> second = counts(result);
    assertThat(first).hasSize(2);
    assertThat(second).isEqualTo(first);
  }

  private static List<Double> counts(Dataset<Row> result) {
    List<Row> out = new ArrayList<>(result.collectAsList());
    out.sort(Comparator.comparing(r -> new String((byte[]) r.get(0), StandardCharsets.UTF_8)));
    return out.stream().map(r -> r.getDouble(r.fieldIndex("count"))).toList();
  }

  @Test
  void cellId_timestampKey_doesNotDependOnTheJvmTimeZone() {
    java.sql.Timestamp ts =
        java.sql.Timestamp.from(java.time.Instant.parse("2026-11-24T05:00:00.123456789Z"));
    java.util.TimeZone saved = java.util.TimeZone.getDefault();
    try {
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
      StringBuilder utc = new StringBuilder();
      SparkKeys.appendId(utc, ts);
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata"));
      StringBuilder kolkata = new StringBuilder();
      SparkKeys.appendId(kolkata, ts);
      assertThat(kolkata.toString()).isEqualTo(utc.toString());
    } finally {
      java.util.TimeZone.setDefault(saved);
    }
  }
}
