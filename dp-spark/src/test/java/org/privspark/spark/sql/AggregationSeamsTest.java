package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.spark.SparkTestSession;

/**
 * The seams of the aggregation planner found by the hostile review of issue 14; each test failed on
 * the reviewed snapshot (cfbe761). All exact.
 */
class AggregationSeamsTest {
  private static Dataset<Row> frame() {
    StructType schema =
        new StructType()
            .add("user", DataTypes.StringType)
            .add("g", DataTypes.StringType)
            .add("x", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 17; u++) {
      rows.add(RowFactory.create("u" + u, u < 10 ? "a" : "b", u < 10 ? 0.5 : 1.0));
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  /**
   * PrivateAggregation.java:132-136: bounds [−1e308, 1e308] are finite with lower < upper, but
   * upper − lower overflows, so edge 0 is NaN and the rest +∞. The query is charged and releases
   * NaN. It must be refused before the charge, as mean() and variance() are.
   */
  @Test
  void quantiles_withAWidthThatOverflows_areRefusedBeforeTheCharge() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 0);
    PrivateAggregation q = PrivateDataFrame.of(frame(), "user", budget).aggregate();
    Row r = null;
    try {
      r = q.quantiles("x", -1e308, 1e308, 0.5).epsilon(1).run().first();
    } catch (IllegalArgumentException expected) {
      // the fix
    }
    System.out.println(
        "REVIEW quantiles [-1e308, 1e308]: " + r + " spent " + budget.spent().epsilon());
    assertThat(budget.spent().epsilon())
        .as("charged for a release that is NaN by construction")
        .isZero();
  }

  /**
   * AggregationPlanner.java:70-75: AUTO plans Gaussian too, and a Gaussian plan that no σ in the
   * mechanism's range can meet throws, although the Laplace plan is valid. AUTO must fall back.
   */
  @Test
  void auto_fallsBackToLaplace_whenGaussianCannotBePlanned() {
    PrivateDataFrame pdf =
        PrivateDataFrame.of(frame(), "user", PrivacyBudget.inMemory(1, 1e-5))
            .maxGroupsContributed(5)
            .maxContributionsPerGroup(10);
    pdf.groupBy("g")
        .count()
        .sum("x", 0, 100)
        .epsilon(0.01)
        .delta(1e-10)
        .noise(NoiseKind.LAPLACE)
        .explain();
    assertThat(
            pdf.groupBy("g")
                .count()
                .sum("x", 0, 100)
                .epsilon(0.01)
                .delta(1e-10)
                .noise(NoiseKind.AUTO)
                .explain()
                .noise())
        .isEqualTo(NoiseKind.LAPLACE);
  }

  /**
   * Passes: explain() and cost() start no Spark job and spend nothing (private, public and no
   * groups).
   */
  @Test
  void explainAndCost_runNoJob_andSpendNothing() throws Exception {
    java.util.concurrent.atomic.AtomicInteger jobs =
        new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener listener =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
            jobs.incrementAndGet();
          }
        };
    Dataset<Row> data = frame();
    Dataset<Row> listed =
        SparkTestSession.get()
            .createDataFrame(
                List.of(RowFactory.create("a")), new StructType().add("g", DataTypes.StringType));
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 1e-5);
    PrivateDataFrame pdf = PrivateDataFrame.of(data, "user", budget).maxGroupsContributed(3);
    SparkTestSession.get().sparkContext().addSparkListener(listener);
    try {
      for (NoiseKind k : NoiseKind.values()) {
        pdf.groupBy("g")
            .count()
            .sum("x", 0, 1)
            .mean("x", 0, 1)
            .stddev("x", 0, 1)
            .quantiles("x", 0, 1, 0.5)
            .epsilon(1)
            .delta(1e-6)
            .noise(k)
            .explain(10);
        pdf.groupBy("g")
            .publicGroups(listed)
            .count()
            .mean("x", 0, 1)
            .epsilon(1)
            .delta(1e-6)
            .noise(k)
            .cost();
        pdf.aggregate().count().variance("x", 0, 1).epsilon(1).delta(1e-6).noise(k).explain();
      }
      SparkTestSession.get().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      SparkTestSession.get().sparkContext().removeSparkListener(listener);
    }
    assertThat(jobs.get()).isZero();
    assertThat(budget.spent().epsilon()).isZero();
  }
}
