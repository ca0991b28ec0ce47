package org.privspark.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Smoke test of the {@code benchmark-ml} job's pieces on tiny synthetic data (the full job runs
 * minutes on Adult and is run by hand, see docs/BENCHMARKS.md). No timing thresholds.
 */
class MlBenchmarkTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ml-benchmark-test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void plainSgd_separableData_learnsTheSignOfTheRule() {
    SplittableRandom r = new SplittableRandom(3);
    List<Tuple2<Double, Vector>> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double x = r.nextDouble(-1, 1);
      rows.add(new Tuple2<>(x > 0 ? 1.0 : 0.0, Vectors.dense(x)));
    }
    JavaRDD<Tuple2<Double, Vector>> data =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2);
    double[] w = MlBenchmark.plainSgd(data, 1, 0.1, 50, 2.0, true);
    assertThat(w).hasSize(2);
    assertThat(w[0]).isPositive();
    assertThat(MlBenchmark.bareTreeAggregate(data)).isPositive();
  }

  @Test
  void adultEncoder_hasTheDocumentedFiftyFourFeatures() {
    assertThat(AdultData.encoder().numFeatures()).isEqualTo(54);
  }

  @Test
  void median_oddAndEvenCounts() {
    assertThat(MlBenchmark.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(MlBenchmark.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }

  @Test
  void main_unknownArgumentOrMissingData_throwsNamingIt() {
    assertThatThrownBy(() -> MlBenchmark.main(new String[] {"--bogus"}))
        .hasMessageStartingWith("unknown argument '--bogus'");
    assertThatThrownBy(() -> MlBenchmark.main(new String[] {"--data", "/nonexistent"}))
        .hasMessageStartingWith("--data must name a directory with adult.data and adult.test");
  }
}
