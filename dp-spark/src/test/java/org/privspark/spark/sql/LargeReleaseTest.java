package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * Releases of large values with the default bounds. Before, the noise stage refused any value of
 * 2^62 grid units or more, on the executors and after the budget was charged: at ε = 1 and L0 = L∞
 * = 1 (grid 2^-40) that was every count of 4,194,304 or more.
 */
class LargeReleaseTest {
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2,
            7, 9, 5
          });

  /** What one charge of {@code event} costs on a fresh budget of the same shape. */
  private static PrivacyGuarantee oneCharge(PrivacyEvent event, double delta) {
    return new RdpAccountant().compose(event).epsilon(delta);
  }

  /**
   * 5,000,000 rows, one unit each, counted at ε = 1 with Laplace noise: discrete Laplace of scale
   * about 1, so |count − 5,000,000| &gt; 50 has probability below 2e^-50. The budget is charged
   * once, by run(), and collecting the result again charges nothing.
   */
  @Test
  void count_fiveMillionRowsAtEpsilonOne_isFiniteNearFiveMillionAndChargedOnce() {
    Dataset<Row> rows = SparkTestSession.get().range(5_000_000L).toDF("unit");
    PrivacyBudget budget = PrivacyBudget.inMemory(2, 0);
    PrivateAggregation query =
        PrivateDataFrame.of(rows, "unit", budget)
            .aggregate()
            .count()
            .epsilon(1)
            .releaseSecret(SECRET);
    PrivacyEvent cost = query.cost();
    Dataset<Row> result = query.run();

    List<Row> first = result.collectAsList();
    assertThat(first).hasSize(1);
    double count = first.get(0).getDouble(first.get(0).fieldIndex("count"));
    assertThat(Double.isFinite(count)).isTrue();
    assertThat(Math.abs(count - 5_000_000)).isLessThanOrEqualTo(50);
    assertThat(budget.spent()).isEqualTo(oneCharge(cost, 0));
    assertThat(budget.spent().epsilon()).isLessThanOrEqualTo(1.0);

    assertThat(result.collectAsList()).isEqualTo(first);
    assertThat(budget.spent()).isEqualTo(oneCharge(cost, 0));
  }

  /**
   * 100,000 units with a value of 1e10 each, summed with bounds [0, 1e10] at ε = 100: the sum is
   * 1e15 and the noise has scale about 1e8 (Δ/ε), on a grid of 2^-14, so the sum is about 2^64 grid
   * units. |noise| &gt; 50 scales has probability below 2e^-50.
   */
  @Test
  void sum_near1e15_isFiniteAndNearTheTruth() {
    Dataset<Row> rows =
        SparkTestSession.get().range(100_000L).toDF("unit").withColumn("v", lit(1e10));
    PrivacyBudget budget = PrivacyBudget.inMemory(200, 0);
    Dataset<Row> result =
        PrivateDataFrame.of(rows, "unit", budget)
            .aggregate()
            .sum("v", 0, 1e10)
            .epsilon(100)
            .releaseSecret(SECRET)
            .run();
    Row row = result.collectAsList().get(0);
    double sum = row.getDouble(row.fieldIndex("sum_v"));
    assertThat(Double.isFinite(sum)).isTrue();
    assertThat(Math.abs(sum - 1e15)).isLessThanOrEqualTo(50 * 1e10 / 100);
  }
}
