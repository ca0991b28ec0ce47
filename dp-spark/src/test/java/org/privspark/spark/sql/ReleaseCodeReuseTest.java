package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.metrics.source.CodegenMetrics;
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
 * A release compiles no code of its own: once a query's shape has run, more releases of it, each
 * with a fresh budget and secret, reuse Spark's compiled classes. The bounding salts, derived from
 * each release's secret, used to enter the plan as long literals, which Spark writes into the
 * generated code; so every release compiled new classes (tens to hundreds of milliseconds each),
 * and a long-running driver kept loading classes (docs/RELIABILITY.md, check 8).
 *
 * <p>Counts Spark's code generation compilations in this JVM (its codegen cache misses); the test
 * classes of a module run one after another, so no other test compiles meanwhile.
 */
class ReleaseCodeReuseTest {
  private static final int RELEASES = 3;

  @Test
  void run_freshSecretsWithPrivateGroups_compilesNoNewCodeAfterTheFirstRelease() {
    assertNoCompilationAfterWarmUp(
        data(DataTypes.LongType),
        df ->
            PrivateDataFrame.of(df, "user", budget())
                .groupBy("grp")
                .count()
                .sum("amount", 0, 10)
                .epsilon(1)
                .delta(1e-6)
                .releaseSecret(Secret.generate())
                .run());
  }

  @Test
  void run_freshSecretsWithStringUnitsAndNoKeys_compilesNoNewCodeAfterTheFirstRelease() {
    assertNoCompilationAfterWarmUp(
        data(DataTypes.StringType),
        df ->
            PrivateDataFrame.of(df, "user", budget())
                .maxContributionsPerGroup(3)
                .aggregate()
                .count()
                .mean("amount", 0, 10)
                .epsilon(1)
                .releaseSecret(Secret.generate())
                .run());
  }

  private static void assertNoCompilationAfterWarmUp(
      Dataset<Row> data, Function<Dataset<Row>, Dataset<Row>> release) {
    release.apply(data).collectAsList(); // compiles this shape's classes once
    long before = compilations();
    for (int i = 0; i < RELEASES; i++) {
      release.apply(data).collectAsList();
    }
    assertThat(compilations() - before)
        .as("code generation compilations in %d more releases", RELEASES)
        .isZero();
  }

  private static long compilations() {
    return CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
  }

  private static PrivacyBudget budget() {
    return PrivacyBudget.inMemory(1, 1e-6);
  }

  /** 200 units with 5 rows each, over 4 groups. */
  private static Dataset<Row> data(org.apache.spark.sql.types.DataType unitType) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      long unit = i / 5;
      rows.add(
          RowFactory.create(
              unitType == DataTypes.StringType ? "u" + unit : (Object) unit,
              "g" + (i % 4),
              (double) (i % 10)));
    }
    StructType schema =
        new StructType()
            .add("user", unitType)
            .add("grp", DataTypes.StringType)
            .add("amount", DataTypes.DoubleType);
    return SparkTestSession.get().createDataFrame(rows, schema);
  }
}
