package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
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

class QuantilesAndHistogramsTest {
  private static final Secret SECRET = Secret.fromBytes(new byte[32]);

  /** 2,000 users, one row each, values 0, 1, …, 99 repeated: uniform on [0, 100). */
  private static Dataset<Row> uniform() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 2000; u++) {
      rows.add(RowFactory.create("u" + u, "a", (double) (u % 100)));
    }
    StructType schema =
        new StructType()
            .add("user", DataTypes.StringType)
            .add("grp", DataTypes.StringType)
            .add("amount", DataTypes.DoubleType);
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static double[] doubles(Row r, String field) {
    List<Double> list = r.getList(r.fieldIndex(field));
    return list.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * At ε = 1 each of the 64 bins gets Laplace noise of scale about 1 against ~31 rows per bin, so
   * the median and the 90th percentile land within 3 (a bin and a half) of 49.5 and 89.5, and the
   * 95% intervals cover the true quantiles. Secret fixed: deterministic.
   */
  @Test
  void quantiles_uniformData_closeToTruthAndCoveredByInterval() {
    Row r =
        PrivateDataFrame.of(uniform(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .aggregate()
            .quantiles("amount", 0, 100, 0.5, 0.9)
            .epsilon(1)
            .releaseSecret(SECRET)
            .run()
            .first();
    double[] q = doubles(r, "quantiles_amount");
    double[] lo = doubles(r, "quantiles_amount_ci_low");
    double[] hi = doubles(r, "quantiles_amount_ci_high");
    assertThat(q[0]).isCloseTo(50, within(3.0));
    assertThat(q[1]).isCloseTo(90, within(3.0));
    assertThat(lo[0]).isLessThanOrEqualTo(49.5);
    assertThat(hi[0]).isGreaterThanOrEqualTo(49.5);
    assertThat(lo[1]).isLessThanOrEqualTo(89.5);
    assertThat(hi[1]).isGreaterThanOrEqualTo(89.5);
    // In the value's units (half a one-sigma interval, within the 95% one), not the noisy total's
    // std in rows (√64 bins × Laplace std ≈ 11 here).
    double std = r.getDouble(r.fieldIndex("quantiles_amount_noise_std"));
    assertThat(std).isPositive().isLessThanOrEqualTo(Math.max(hi[0] - lo[0], hi[1] - lo[1]) / 2);
  }

  @Test
  void histogram_publicBins_countsEachBinWithPerBinIntervals() {
    Row r =
        PrivateDataFrame.of(uniform(), "user", PrivacyBudget.inMemory(1e4, 1e-5))
            .aggregate()
            .histogram("amount", 0, 25, 50, 100)
            .epsilon(4000)
            .releaseSecret(SECRET)
            .run()
            .first();
    double[] h = doubles(r, "histogram_amount");
    assertThat(h).hasSize(3);
    assertThat(h[0]).isCloseTo(500, within(1.0));
    assertThat(h[1]).isCloseTo(500, within(1.0));
    assertThat(h[2]).isCloseTo(1000, within(1.0));
    double[] lo = doubles(r, "histogram_amount_ci_low");
    double[] hi = doubles(r, "histogram_amount_ci_high");
    for (int j = 0; j < 3; j++) {
      assertThat(lo[j]).isLessThan(h[j]);
      assertThat(hi[j]).isGreaterThan(h[j]);
    }
  }

  @Test
  void histogram_groupedWithPrivateGroups_oneArrayPerGroup() {
    List<Row> rows =
        PrivateDataFrame.of(uniform(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .groupBy("grp")
            .histogram("amount", 0, 50, 100)
            .count()
            .epsilon(2)
            .delta(1e-6)
            .releaseSecret(SECRET)
            .run()
            .collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(doubles(rows.get(0), "histogram_amount")).hasSize(2);
  }

  @Test
  void badArguments_throwNamingTheParameter() {
    PrivateDataFrame pdf = PrivateDataFrame.of(uniform(), "user", PrivacyBudget.inMemory(1, 1e-5));
    assertThatThrownBy(() -> pdf.aggregate().quantiles("amount", 0, 100))
        .hasMessage("ranks must hold at least one rank; got none");
    assertThatThrownBy(() -> pdf.aggregate().quantiles("amount", 0, 100, 1.5))
        .hasMessage("ranks[0] must be in [0, 1]; got 1.5");
    assertThatThrownBy(() -> pdf.aggregate().histogram("amount", 1))
        .hasMessage("edges must hold at least 2 bin edges; got 1");
    assertThatThrownBy(() -> pdf.aggregate().histogram("amount", 0, 5, 5))
        .hasMessageContaining("strictly increasing");
  }

  /**
   * The plan shuffles the raw rows once, by privacy unit (both bounding steps run on that shuffle),
   * and then only aggregated rows, by group.
   */
  @Test
  void plan_shufflesRowsOnceByUnit_thenAggregatesByGroup() {
    // The plan run() collects (the returned Dataset holds its rows on the driver).
    java.util.concurrent.atomic.AtomicReference<Dataset<Row>> collected =
        new java.util.concurrent.atomic.AtomicReference<>();
    PrivateDataFrame.of(uniform(), "user", PrivacyBudget.inMemory(10, 1e-5))
        .maxGroupsContributed(2)
        .maxContributionsPerGroup(3)
        .groupBy("grp")
        .count()
        .sum("amount", 0, 100)
        .quantiles("amount", 0, 100, 0.5)
        .epsilon(1)
        .delta(1e-6)
        .run(
            noisy -> {
              collected.set(noisy);
              return noisy;
            });
    String plan = collected.get().queryExecution().executedPlan().toString();
    // Adaptive execution prints the final plan, then the initial one: count the final plan's.
    int initial = plan.indexOf("== Initial Plan ==");
    if (initial >= 0) {
      plan = plan.substring(0, initial);
    }
    List<String> exchanges = plan.lines().filter(l -> l.contains("Exchange ")).toList();
    assertThat(exchanges).hasSize(2);
    assertThat(exchanges).anyMatch(l -> l.contains("hashpartitioning(" + PrivateAggregation.UNIT));
    assertThat(exchanges).anyMatch(l -> l.contains("hashpartitioning(grp"));
  }
}
