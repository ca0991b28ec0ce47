package org.privspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * Proves the build's Spark set-up: the parent pom's Spark version starts in local[2] on Java 17
 * with Kryo (which fails without the --add-opens flags in surefire's argLine), shuffles, and can
 * run dp-core code in executor tasks.
 */
class SparkEnvironmentTest {

  @Test
  void localSession_kryoShuffle_runsWithTheBuildsJvmFlags() {
    SparkSession spark = SparkTestSession.get();
    String built = System.getProperty("privspark.build.sparkVersion");
    assertThat(built).as("surefire passes privspark.build.sparkVersion").isNotBlank();
    assertThat(spark.version()).isEqualTo(built);
    assertThat(spark.sparkContext().getConf().get("spark.serializer")).contains("Kryo");
    Dataset<Row> counts =
        spark.range(0, 10_000).selectExpr("id % 7 AS k").groupBy("k").count().orderBy("k");
    List<Row> rows = counts.collectAsList();
    assertThat(rows).hasSize(7);
    assertThat(rows.stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(10_000);
  }

  /**
   * The pom's spark.jvm.flags (surefire's argLine, and bin/lib/spark-jvm-flags.sh) are the flags
   * this Spark's own spark-submit adds, so a Spark upgrade that changes them fails here.
   */
  @Test
  void testJvm_hasEveryFlagOfThisSparksLauncher() {
    assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
        .containsSubsequence(JavaModuleOptions.defaultModuleOptionArray());
  }

  @Test
  void dpCoreClasses_runInsideExecutorTasks_likeOnTheDriver() {
    SparkSession spark = SparkTestSession.get();
    List<Boolean> onExecutors =
        spark
            .range(0, 4)
            .repartition(2)
            .sort("id")
            .map((MapFunction<Long, Boolean>) SparkEnvironmentTest::fits, Encoders.BOOLEAN())
            .collectAsList();
    List<Boolean> onDriver = LongStream.range(0, 4).mapToObj(SparkEnvironmentTest::fits).toList();
    assertThat(onExecutors).isEqualTo(onDriver).contains(true, false);
  }

  /**
   * σ = 0.5, 1.5, 2.5, 3.5 for 100 steps at q = 0.01: the first overspends (1, 1e-5), the last does
   * not.
   */
  private static boolean fits(long i) {
    return PrivacyBudget.inMemory(1.0, 1e-5).trySpend(new SampledGaussianEvent(0.01, 0.5 + i, 100));
  }
}
