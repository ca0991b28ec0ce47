package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.PartitionSelectionStrategy;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

class PrivateDataFrameTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("user", DataTypes.StringType)
          .add("grp", DataTypes.StringType)
          .add("amount", DataTypes.DoubleType);
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32
          });

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return spark().createDataFrame(rows, SCHEMA);
  }

  private static Dataset<Row> groups(String... names) {
    List<Row> rows = new ArrayList<>();
    for (String n : names) {
      rows.add(RowFactory.create(n));
    }
    return spark().createDataFrame(rows, new StructType().add("grp", DataTypes.StringType));
  }

  private static Map<String, Row> byGroup(Dataset<Row> result) {
    return result.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  /** One user with 1000 rows spread over 50 groups (20 each) and nobody else. */
  private static Dataset<Row> heavyUser() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(RowFactory.create("heavy", "g" + (i % 50), 1.0));
    }
    return frame(rows);
  }

  private static String[] allGroups() {
    String[] names = new String[50];
    for (int i = 0; i < 50; i++) {
      names[i] = "g" + i;
    }
    return names;
  }

  /**
   * With L0 = 5 and L∞ = 10 the user reaches exactly 5 groups with 10 rows each. At ε = 2000 the
   * Laplace noise on each count has scale about 0.05 (50·2/2000), so |noise| &lt; 0.5 except with
   * probability e^-10 per cell: rounding recovers the bounded counts exactly (false-failure
   * probability about 100·e^-10 ≈ 5e-3, and the secret is fixed, so the outcome is deterministic).
   */
  @Test
  void contributionBounding_heavyUser_atMostL0GroupsAndLInfRowsEach() {
    PrivateDataFrame pdf =
        PrivateDataFrame.of(heavyUser(), "user", PrivacyBudget.inMemory(1e4, 1e-6))
            .maxGroupsContributed(5)
            .maxContributionsPerGroup(10);
    Dataset<Row> result =
        pdf.groupBy("grp")
            .publicGroups(groups(allGroups()))
            .count()
            .countDistinctUnits()
            .epsilon(4000)
            .releaseSecret(SECRET)
            .run();
    List<Row> rows = result.collectAsList();
    assertThat(rows).hasSize(50);
    long touched =
        rows.stream().filter(r -> Math.round(r.getDouble(r.fieldIndex("count"))) > 0).count();
    long total = rows.stream().mapToLong(r -> Math.round(r.getDouble(r.fieldIndex("count")))).sum();
    long units =
        rows.stream()
            .mapToLong(r -> Math.round(r.getDouble(r.fieldIndex("count_distinct_units"))))
            .sum();
    assertThat(touched).isEqualTo(5);
    assertThat(total).isEqualTo(50);
    assertThat(units).isEqualTo(5);
  }

  @Test
  void contributionBounding_choiceOfGroups_dependsOnTheSecretNotOnDataOrder() {
    PrivateDataFrame pdf =
        PrivateDataFrame.of(heavyUser(), "user", PrivacyBudget.inMemory(1e5, 1e-6))
            .maxGroupsContributed(5)
            .maxContributionsPerGroup(10);
    java.util.Set<java.util.Set<String>> chosen = new java.util.HashSet<>();
    for (int s = 0; s < 4; s++) {
      byte[] bytes = new byte[32];
      bytes[0] = (byte) s;
      List<Row> rows =
          pdf.groupBy("grp")
              .publicGroups(groups(allGroups()))
              .count()
              .epsilon(4000)
              .releaseSecret(Secret.fromBytes(bytes))
              .run()
              .collectAsList();
      chosen.add(
          rows.stream()
              .filter(r -> Math.round(r.getDouble(1)) > 0)
              .map(r -> r.getString(0))
              .collect(Collectors.toSet()));
    }
    // Four secrets choosing the same 5 of 50 groups by chance: probability C(50,5)^-3 ≈ 1e-19.
    assertThat(chosen).hasSizeGreaterThan(1);
  }

  /**
   * A fresh random secret. At ε = 4 partition selection gets ε = 1 (a quarter); with L0 = 2 the
   * truncated geometric selection keeps every group of 54 or more units with probability 1, so the
   * 100-unit groups make the result non-empty.
   */
  @Test
  void release_collectedTwice_returnsIdenticalRows() {
    Dataset<Row> result =
        PrivateDataFrame.of(mixed(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .maxGroupsContributed(2)
            .maxContributionsPerGroup(3)
            .groupBy("grp")
            .count()
            .sum("amount", 0, 100)
            .mean("amount", 0, 100)
            .epsilon(4)
            .delta(1e-6)
            .run();
    List<Row> first = sorted(result.collectAsList());
    List<Row> second = sorted(result.collectAsList());
    assertThat(second).isEqualTo(first);
    assertThat(first).isNotEmpty();
  }

  /**
   * A task of the first stage fails on its first attempt (local[2,2] retries it). The release, with
   * the same secret, must equal the failure-free one row for row.
   */
  @Test
  void release_taskFailsOnFirstAttempt_returnsSameNoiseAsFailureFreeRun() {
    UserDefinedFunction failOnce =
        functions
            .udf(
                (UDF1<Double, Double>)
                    x -> {
                      TaskContext tc = TaskContext.get();
                      if (tc != null && tc.attemptNumber() == 0 && tc.partitionId() == 0) {
                        throw new IllegalStateException("injected failure on the first attempt");
                      }
                      return x;
                    },
                DataTypes.DoubleType)
            .asNondeterministic();
    Dataset<Row> clean = mixed().repartition(2);
    Dataset<Row> failing = clean.withColumn("amount", failOnce.apply(col("amount")));
    // Two budgets: a secret keys one release per budget (issue 12, item 3).
    List<Row> expected =
        sorted(
            query(PrivateDataFrame.of(clean, "user", PrivacyBudget.inMemory(10, 1e-5)))
                .collectAsList());
    List<Row> retried =
        sorted(
            query(PrivateDataFrame.of(failing, "user", PrivacyBudget.inMemory(10, 1e-5)))
                .collectAsList());
    assertThat(retried).isEqualTo(expected);
  }

  private static Dataset<Row> query(PrivateDataFrame pdf) {
    return pdf.maxGroupsContributed(2)
        .maxContributionsPerGroup(3)
        .groupBy("grp")
        .count()
        .sum("amount", 0, 100)
        .epsilon(1)
        .delta(1e-6)
        .releaseSecret(SECRET)
        .run();
  }

  /**
   * 300 users in 3 groups a/b/c with 100 users each, values 0..99, plus a tiny group with 1 user.
   */
  private static Dataset<Row> mixed() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 300; u++) {
      String g = new String[] {"a", "b", "c"}[u % 3];
      rows.add(RowFactory.create("u" + u, g, (double) (u % 100)));
      rows.add(RowFactory.create("u" + u, g, (double) ((u * 7) % 100)));
    }
    rows.add(RowFactory.create("loner", "tiny", 50.0));
    return frame(rows);
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Row::toString));
    return copy;
  }

  /**
   * Private groups (truncated geometric, the default with Laplace noise, at ε = 1/2, L0 = 1): the
   * 1-unit group is kept with probability δ = 1e-6 (less a 10^-6 margin); groups of 51 or more
   * units are kept with probability 1. Secret fixed: deterministic.
   */
  @Test
  void privateGroups_rareGroupDropped_frequentGroupsKept() {
    Dataset<Row> result =
        PrivateDataFrame.of(mixed(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .groupBy("grp")
            .countDistinctUnits()
            .epsilon(1)
            .delta(1e-6)
            .releaseSecret(SECRET)
            .run();
    assertThat(byGroup(result).keySet()).containsExactlyInAnyOrder("a", "b", "c");
  }

  /** Laplace thresholding at ε = 1/2, L0 = 1: threshold about 28 units; 100-unit groups stay. */
  @Test
  void privateGroups_laplaceThresholding_rareGroupDroppedFrequentKept() {
    Dataset<Row> result =
        PrivateDataFrame.of(mixed(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .groupBy("grp")
            .countDistinctUnits()
            .epsilon(1)
            .delta(1e-6)
            .partitionSelection(PartitionSelectionStrategy.LAPLACE_THRESHOLDING)
            .releaseSecret(SECRET)
            .run();
    assertThat(byGroup(result).keySet()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void privateGroups_gaussianThresholding_rareGroupDroppedFrequentKept() {
    Dataset<Row> result =
        PrivateDataFrame.of(mixed(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .groupBy("grp")
            .count()
            .mean("amount", 0, 100)
            .epsilon(2)
            .delta(1e-6)
            .noise(NoiseKind.GAUSSIAN)
            .releaseSecret(SECRET)
            .run();
    assertThat(byGroup(result).keySet()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void publicGroups_emptyGroupAppearsWithNoiseAndUnlistedGroupsAreDropped() {
    Dataset<Row> result =
        PrivateDataFrame.of(mixed(), "user", PrivacyBudget.inMemory(10, 0))
            .groupBy("grp")
            .publicGroups(groups("a", "nobody"))
            .count()
            .epsilon(1)
            .releaseSecret(SECRET)
            .run();
    Map<String, Row> rows = byGroup(result);
    assertThat(rows.keySet()).containsExactlyInAnyOrder("a", "nobody");
    Row nobody = rows.get("nobody");
    double ciLow = nobody.getDouble(nobody.fieldIndex("count_ci_low"));
    double ciHigh = nobody.getDouble(nobody.fieldIndex("count_ci_high"));
    assertThat(nobody.getDouble(nobody.fieldIndex("count_noise_std")))
        .isCloseTo(Math.sqrt(2), within(1e-6));
    assertThat(ciHigh - ciLow).isPositive();
    assertThat(rows.get("a").getDouble(1)).isCloseTo(100, within(20.0));
  }

  @Test
  void globalAggregate_withoutKeys_returnsOneRowWithAllStatistics() {
    Dataset<Row> result =
        PrivateDataFrame.of(mixed(), "user", PrivacyBudget.inMemory(10, 1e-5))
            .maxContributionsPerGroup(2)
            .aggregate()
            .count()
            .countDistinctUnits()
            .sum("amount", 0, 100)
            .mean("amount", 0, 100)
            .variance("amount", 0, 100)
            .stddev("amount", 0, 100)
            .epsilon(5)
            .delta(1e-6)
            .noise(NoiseKind.GAUSSIAN)
            .releaseSecret(SECRET)
            .run();
    List<Row> rows = result.collectAsList();
    assertThat(rows).hasSize(1);
    Row r = rows.get(0);
    assertThat(r.schema().fieldNames())
        .contains(
            "count",
            "count_noise_std",
            "count_ci_low",
            "count_ci_high",
            "mean_amount",
            "variance_amount",
            "stddev_amount");
    assertThat(r.getDouble(r.fieldIndex("count"))).isCloseTo(601, within(60.0));
    assertThat(r.getDouble(r.fieldIndex("count_distinct_units"))).isCloseTo(301, within(30.0));
    assertThat(r.getDouble(r.fieldIndex("mean_amount"))).isCloseTo(49.5, within(5.0));
    assertThat(r.getDouble(r.fieldIndex("stddev_amount"))).isCloseTo(28.9, within(6.0));
    double mean = r.getDouble(r.fieldIndex("mean_amount"));
    assertThat(mean)
        .isBetween(
            r.getDouble(r.fieldIndex("mean_amount_ci_low")),
            r.getDouble(r.fieldIndex("mean_amount_ci_high")));
  }

  @Test
  void emptyData_publicGroupsGetNoiseOnly_privateGroupsGetNoRows() {
    Dataset<Row> empty = frame(List.of());
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    assertThat(
            PrivateDataFrame.of(empty, "user", budget)
                .groupBy("grp")
                .count()
                .epsilon(1)
                .delta(1e-6)
                .run()
                .collectAsList())
        .isEmpty();
    assertThat(
            PrivateDataFrame.of(empty, "user", budget)
                .groupBy("grp")
                .publicGroups(groups("a", "b"))
                .count()
                .epsilon(1)
                .run()
                .collectAsList())
        .hasSize(2);
    assertThat(
            PrivateDataFrame.of(empty, "user", budget)
                .aggregate()
                .count()
                .epsilon(1)
                .run()
                .collectAsList())
        .hasSize(1);
  }

  @Test
  void nullUnitsAndNaNValues_areDropped() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(RowFactory.create("u" + i, "a", 10.0));
      rows.add(RowFactory.create(null, "a", 10.0));
      rows.add(RowFactory.create("u" + i, "a", Double.NaN));
      rows.add(RowFactory.create("u" + i, "a", null));
    }
    Row r =
        PrivateDataFrame.of(frame(rows), "user", PrivacyBudget.inMemory(1e4, 0))
            .maxContributionsPerGroup(5)
            .aggregate()
            .count()
            .sum("amount", 0, 100)
            .epsilon(4000)
            .releaseSecret(SECRET)
            .run()
            .first();
    assertThat(Math.round(r.getDouble(r.fieldIndex("count")))).isEqualTo(200);
    assertThat(r.getDouble(r.fieldIndex("sum_amount"))).isCloseTo(2000, within(5.0));
  }

  @Test
  void budget_secondQueryOverBudget_refusedBeforeAnySparkJob() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-5);
    PrivateDataFrame pdf = PrivateDataFrame.of(mixed(), "user", budget);
    pdf.groupBy("grp").count().epsilon(0.8).delta(1e-6).run();
    double spent = budget.spent().epsilon();
    long jobsBefore = spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
    assertThatThrownBy(() -> pdf.groupBy("grp").count().epsilon(0.8).delta(1e-6).run())
        .isInstanceOfSatisfying(
            BudgetExhaustedException.class,
            e -> assertThat(e.remainingEpsilon()).isCloseTo(1.0 - spent, within(1e-12)))
        .hasMessageContaining("remaining epsilon");
    assertThat(budget.spent().epsilon()).isEqualTo(spent);
    assertThat(spark().sparkContext().statusTracker().getJobIdsForGroup(null).length)
        .isEqualTo(jobsBefore);
  }

  @Test
  void cost_matchesWhatRunCharges_andSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(3.0, 1e-5);
    PrivateAggregation q =
        PrivateDataFrame.of(mixed(), "user", budget)
            .groupBy("grp")
            .count()
            .sum("amount", 0, 100)
            .weight(2)
            .epsilon(1)
            .delta(1e-6);
    var event = q.cost();
    assertThat(budget.spent().epsilon()).isZero();
    assertThat(
            new org.privspark.core.accounting.RdpAccountant()
                .compose(event)
                .epsilon(1e-6)
                .epsilon())
        .isLessThanOrEqualTo(1.0);
    q.run();
    assertThat(budget.spent())
        .isEqualTo(new org.privspark.core.accounting.RdpAccountant().compose(event).epsilon(1e-5));
  }

  @Test
  void badInput_throwsNamingTheParameter_andChargesNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-5);
    PrivateDataFrame pdf = PrivateDataFrame.of(mixed(), "user", budget);
    assertThatThrownBy(() -> PrivateDataFrame.of(mixed(), "nobody", budget))
        .hasMessageContaining("privacyUnitColumn must name an existing column; got 'nobody'");
    assertThatThrownBy(() -> pdf.groupBy("missing"))
        .hasMessageContaining("keyColumns must name an existing column");
    assertThatThrownBy(() -> pdf.aggregate().sum("grp", 0, 1))
        .hasMessageContaining("column 'grp' must be numeric; got string");
    assertThatThrownBy(() -> pdf.aggregate().sum("amount", 5, 1))
        .hasMessageContaining("lower < upper; got [5.0, 1.0]");
    assertThatThrownBy(() -> pdf.aggregate().mean("amount", 0, Double.POSITIVE_INFINITY))
        .hasMessageContaining("must be finite");
    assertThatThrownBy(() -> pdf.maxGroupsContributed(0))
        .hasMessage("maxGroupsContributed must be >= 1; got 0");
    assertThatThrownBy(() -> pdf.maxContributionsPerGroup(-1))
        .hasMessage("maxContributionsPerGroup must be >= 1; got -1");
    assertThatThrownBy(() -> pdf.aggregate().count().epsilon(0).run())
        .hasMessage("epsilon must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> pdf.aggregate().count().epsilon(Double.NaN).run())
        .hasMessage("epsilon must be finite and > 0; got NaN");
    assertThatThrownBy(() -> pdf.aggregate().count().epsilon(1).delta(1).run())
        .hasMessage("delta must be in [0.0, 1.0); got 1.0");
    assertThatThrownBy(() -> pdf.aggregate().count().run())
        .hasMessage("epsilon must be set; got nothing");
    assertThatThrownBy(() -> pdf.aggregate().epsilon(1).run())
        .hasMessageContaining("at least one statistic");
    assertThatThrownBy(() -> pdf.groupBy("grp").count().epsilon(1).run())
        .hasMessageContaining("delta must be > 0 for private partition selection");
    assertThatThrownBy(() -> pdf.aggregate().count().epsilon(1).noise(NoiseKind.GAUSSIAN).run())
        .hasMessageContaining("delta must be > 0 for Gaussian noise");
    assertThat(budget.spent().epsilon()).isZero();
  }
}
