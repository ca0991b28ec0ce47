package org.privspark.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.LongSummaryStatistics;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.examples.ReleaseLoopBenchmark.Sample;
import org.privspark.examples.ReleaseLoopBenchmark.Settings;
import org.privspark.spark.LongRunningDriver;

/**
 * Many releases from one driver keep its heap flat (issue 12, item 10; docs/RELIABILITY.md, check
 * 8): 400 releases of the {@code benchmark-releases} job, each a fresh budget and secret, each
 * collected on its own, in a session built with {@link LongRunningDriver}'s settings. After 100
 * releases of warm-up (Spark's SQL history fills to its cap of 50 executions, every class is
 * compiled, Spark's thread pools reach their caps, the result-stage pool's included), the bytes of
 * live objects after a full GC, sampled every 100 releases, stay within {@value #FLAT_TOLERANCE_MB}
 * MB of each other (threads that idle out and start again move it by a few MB). With Spark's
 * defaults its SQL history grows to 400 executions and its shuffle pool towards 1,024 threads,
 * about 45 KB a release, and dead sort pages of 32 MB hold about 135 MB of {@code long[]}.
 *
 * <p>Runs in a JVM of its own (a surefire execution in examples/pom.xml): it needs Spark's static
 * settings at session start, and it forces full GCs. No timing assertion.
 */
class ReleaseLoopBenchmarkTest {
  private static final double FLAT_TOLERANCE_MB = 6;
  private static final Settings RUN =
      new Settings(
          400, 1, 100, 2_000, "local[2]", false, List.of("spark.sql.shuffle.partitions=4"));

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = ReleaseLoopBenchmark.session(RUN);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void measure_400Releases_liveHeapStaysFlatAfterWarmUp() {
    List<Sample> samples =
        ReleaseLoopBenchmark.measure(spark, RUN, s -> System.out.println(s.toJson()));

    assertThat(samples).extracting(Sample::releases).containsExactly(0, 100, 200, 300, 400);
    List<Sample> warm = samples.subList(1, samples.size());
    LongSummaryStatistics live = warm.stream().mapToLong(Sample::liveBytes).summaryStatistics();
    assertThat((live.getMax() - live.getMin()) / 1e6)
        .as("spread of live MB after warm-up: %s", warm.stream().map(Sample::toJson).toList())
        .isLessThanOrEqualTo(FLAT_TOLERANCE_MB);
    // Spark's SQL history stays at its cap, and no release compiles code of its own.
    assertThat(warm).extracting(Sample::sqlExecutions).containsOnly(50L);
    assertThat(warm).extracting(Sample::compilations).containsOnly(warm.get(0).compilations());
    // Dead sort pages are 4 MB each, a few per task thread: far below the 32 MB pages of Spark's
    // default here.
    assertThat(warm).allSatisfy(s -> assertThat(s.longArrayBytes()).isLessThan(32_000_000L));
  }

  @Test
  void parse_allOptions_readsEach() {
    Settings s =
        Settings.parse(
            "--releases",
            "2k",
            "--per-job",
            "1",
            "--sample-every",
            "500",
            "--rows",
            "1_000",
            "--master",
            "local[4]",
            "--spark-defaults",
            "--conf",
            "spark.sql.shuffle.partitions=8");

    assertThat(s)
        .isEqualTo(
            new Settings(
                2_000, 1, 500, 1_000, "local[4]", true, List.of("spark.sql.shuffle.partitions=8")));
    assertThat(Settings.parse()).isEqualTo(Settings.defaults());
    assertThat(Settings.defaults().releases()).isEqualTo(10_000);
  }

  @Test
  void parse_badValues_nameTheOption() {
    assertThatThrownBy(() -> Settings.parse("--releases", "0"))
        .hasMessageContaining("releases must be >= 1; got 0");
    assertThatThrownBy(() -> Settings.parse("--per-job", "x"))
        .hasMessageContaining("--per-job must be a count");
    assertThatThrownBy(() -> Settings.parse("--rows")).hasMessageContaining("--rows needs a value");
    assertThatThrownBy(() -> Settings.parse("--conf", "novalue"))
        .hasMessageContaining("conf must be key=value");
    assertThatThrownBy(() -> Settings.parse("--bogus"))
        .hasMessageContaining("unknown option '--bogus'");
  }

  @Test
  void parseHistogram_jcmdOutput_readsTotalAndLongArrays() {
    String histogram =
        """
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         13816      135407640  [J (java.base@17.0.15)
           2:        292270       65474504  [B (java.base@17.0.15)
        Total       2034567      290000000
        """;

    assertThat(ReleaseLoopBenchmark.parseHistogram(histogram))
        .containsExactly(290_000_000L, 135_407_640L);
  }
}
