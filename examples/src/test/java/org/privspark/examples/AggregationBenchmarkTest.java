package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.examples.AggregationBenchmark.Result;
import org.privspark.examples.AggregationBenchmark.Settings;

/**
 * Smoke test of the {@code benchmark-aggregation} job on a tiny size: the figures are all there and
 * every timing is positive. No timing thresholds: this machine is shared and the sizes are tiny.
 */
class AggregationBenchmarkTest {
  private static final long ROWS = 20_000;
  private static final Settings TINY = new Settings(List.of(ROWS), "local[2]", 4, 0, 1, 7L, false, List.of());

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = AggregationBenchmark.session(TINY);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void measure_20kRowsOneRun_reportsEveryFigureWithPositiveTimings() {
    Result r = AggregationBenchmark.measure(spark, ROWS, TINY);

    assertThat(r.rows()).isEqualTo(ROWS);
    assertThat(r.units()).isEqualTo(ROWS / AggregationBenchmark.ROWS_PER_UNIT);
    assertOnePositive("plainRuns", r.plainRuns());
    assertOnePositive("shuffleRuns", r.shuffleRuns());
    assertOnePositive("dpRuns", r.dpRuns());
    assertOnePositive("plainCpu", r.plainCpu());
    assertOnePositive("shuffleCpu", r.shuffleCpu());
    assertOnePositive("dpCpu", r.dpCpu());
    assertThat(r.dpOverPlain()).isPositive().isFinite();
    assertThat(r.dpOverShuffle()).isPositive().isFinite();
    // 20,000 rows over 10,000 keys: most keys occur; few pass private partition selection.
    assertThat(r.plainGroups()).isBetween(5_000L, (long) AggregationBenchmark.GROUPS);
    assertThat(r.releasedGroups()).isBetween(0L, r.plainGroups());

    String json = AggregationBenchmark.json(spark, TINY, List.of(r));
    assertThat(json).doesNotContain("\n").startsWith("{\"benchmark\":\"aggregation\"").endsWith("]}");
    for (String field : List.of("\"master\":\"local[2]\"", "\"shuffle_partitions\":4", "\"rows\":20000",
        "\"plain_s\":", "\"shuffle_s\":", "\"dp_s\":", "\"dp_over_plain\":", "\"dp_over_shuffle\":",
        "\"released_groups\":", "\"dp_runs_s\":[", "\"dp_cpu_s\":", "\"dp_over_shuffle_cpu\":")) {
      assertThat(json).contains(field);
    }
    assertThat(AggregationBenchmark.table(List.of(r))).contains("20,000", "DP/(b)");
  }

  private static void assertOnePositive(String what, double[] seconds) {
    assertThat(Arrays.stream(seconds).boxed().toList()).as(what).hasSize(1).allSatisfy(t -> assertThat(t).isPositive());
  }

  @Test
  void generate_20kRows_hasHeavyTailedUnitsKeysAndValuesInRange() {
    Dataset<Row> df = AggregationBenchmark.generate(spark, ROWS, 4, 7L);
    Row stats = df.agg(countDistinct(col("user")), min("user"), max("user"), min("key"), max("key"),
        min("value"), max("value")).first();
    long units = ROWS / AggregationBenchmark.ROWS_PER_UNIT;
    assertThat(stats.getLong(0)).isBetween(units / 2, units);
    assertThat(stats.getLong(1)).isGreaterThanOrEqualTo(0);
    assertThat(stats.getLong(2)).isLessThan(units);
    assertThat(stats.getInt(3)).isGreaterThanOrEqualTo(0);
    assertThat(stats.getInt(4)).isLessThan(AggregationBenchmark.GROUPS);
    assertThat(stats.getDouble(5)).isGreaterThanOrEqualTo(0);
    assertThat(stats.getDouble(6)).isLessThan(100);
    // Unit 0 expects (2,000)^(-1/3) ≈ 7.9% of the rows (about 1,580); 10 on average per unit.
    long heaviest = df.groupBy("user").count().agg(max("count")).first().getLong(0);
    assertThat(heaviest).isGreaterThan(1_000);
  }

  @Test
  void parse_noArguments_givesDefaults() {
    Settings s = Settings.parse();
    assertThat(s.sizes()).containsExactly(1_000_000L, 10_000_000L);
    assertThat(s.master()).isNull();
    assertThat(s.partitions()).isEqualTo(8);
    assertThat(s.warmups()).isEqualTo(1);
    assertThat(s.runs()).isEqualTo(3);
    assertThat(s.conf()).isEmpty();
  }

  @Test
  void parse_optionsAndSuffixedSizes_areApplied() {
    Settings s = Settings.parse("--master", "local[4]", "--runs", "5", "--partitions", "16", "--explain",
        "--conf", "spark.sql.adaptive.enabled=false", "20k,1M,2_000_000");
    assertThat(s.sizes()).containsExactly(20_000L, 1_000_000L, 2_000_000L);
    assertThat(s.master()).isEqualTo("local[4]");
    assertThat(s.runs()).isEqualTo(5);
    assertThat(s.partitions()).isEqualTo(16);
    assertThat(s.explain()).isTrue();
    assertThat(s.conf()).containsExactly("spark.sql.adaptive.enabled=false");
  }

  @Test
  void parse_unknownOption_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> Settings.parse("--fast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option '--fast'");
  }

  @Test
  void parse_zeroRuns_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> Settings.parse("--runs", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("runs must be >= 1; got 0");
  }

  @Test
  void parse_badSize_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> Settings.parse("ten"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 'ten'");
  }

  @Test
  void median_evenAndOddCounts_areTheMiddleValues() {
    assertThat(AggregationBenchmark.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(AggregationBenchmark.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
