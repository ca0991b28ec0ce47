package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * What a release reveals besides its values (issue 12, item 7; docs/THREAT-MODEL.md, "What a
 * release reveals"): its row order depends on the released keys only, it is computed once, so a
 * source that changes afterwards cannot change it, and a cluster without network and disk
 * encryption gets a warning about the release secret.
 */
class WhatAReleaseRevealsTest {
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2,
            7, 9, 5
          });
  private static final StructType SCHEMA =
      new StructType()
          .add("user", DataTypes.StringType)
          .add("grp", DataTypes.StringType)
          .add("amount", DataTypes.DoubleType);

  @TempDir Path dir;

  /**
   * {@code groups} groups g00, g01, … of {@code units} units each, one row per unit, amount {@code
   * amount}.
   */
  private static Dataset<Row> data(int groups, int units, double amount) {
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      for (int u = 0; u < units; u++) {
        rows.add(RowFactory.create("u" + g + "_" + u, String.format("g%02d", g), amount));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static List<String> keys(List<Row> rows) {
    return rows.stream().map(r -> r.getString(0)).toList();
  }

  private static List<String> sortedCopy(List<String> keys) {
    List<String> copy = new ArrayList<>(keys);
    Collections.sort(copy);
    return copy;
  }

  /**
   * 40 private groups: Spark emits them in the order of its hash maps over 4 shuffle partitions,
   * which depends on the data; the release lists them sorted by key. (Data and secret are fixed;
   * that hash order happens to be sorted is as unlikely as a random order of 40 keys being so.)
   */
  @Test
  void privateGroups_rowsSortedByKey() {
    List<String> out =
        keys(
            PrivateDataFrame.of(data(40, 60, 1), "user", PrivacyBudget.inMemory(100, 1e-5))
                .groupBy("grp")
                .count()
                .epsilon(40)
                .delta(1e-6)
                .releaseSecret(SECRET)
                .run()
                .collectAsList());
    assertThat(out).hasSize(40);
    assertThat(out).isEqualTo(sortedCopy(out));
  }

  @Test
  void publicGroups_listedInReverse_rowsSortedByKey() {
    List<Row> listed = new ArrayList<>();
    for (int g = 39; g >= 0; g--) {
      listed.add(RowFactory.create(String.format("g%02d", g)));
    }
    Dataset<Row> groups =
        SparkTestSession.get()
            .createDataFrame(listed, new StructType().add("grp", DataTypes.StringType));
    List<String> out =
        keys(
            PrivateDataFrame.of(data(40, 5, 1), "user", PrivacyBudget.inMemory(100, 1e-5))
                .groupBy("grp")
                .publicGroups(groups)
                .count()
                .epsilon(1)
                .releaseSecret(SECRET)
                .run()
                .collectAsList());
    assertThat(out).hasSize(40);
    assertThat(out).isEqualTo(sortedCopy(out));
  }

  /** Counts Spark jobs started while attached. */
  private static final class JobCounter extends SparkListener {
    final AtomicInteger jobs = new AtomicInteger();

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      jobs.incrementAndGet();
    }
  }

  private static void drainListenerBus(SparkSession spark) throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
  }

  /**
   * The source (a Parquet directory) is rewritten in place after run() returns, with other values
   * in every group. Collecting the release again, or a query on it (a new plan, which a lazy result
   * would compute from the source again), returns the same rows and runs no Spark job.
   */
  @Test
  void sourceRewrittenAfterRun_releaseEvaluatedAgain_sameRowsAndNoSparkJob() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("visits.parquet").toString();
    data(5, 60, 10).write().parquet(path);
    Dataset<Row> release =
        PrivateDataFrame.of(spark.read().parquet(path), "user", PrivacyBudget.inMemory(100, 1e-5))
            .groupBy("grp")
            .count()
            .sum("amount", 0, 100)
            .epsilon(50)
            .delta(1e-6)
            .releaseSecret(SECRET)
            .run();
    List<Row> first = release.collectAsList();
    assertThat(first).hasSize(5);

    data(5, 30, 90).write().mode("overwrite").parquet(path); // half the units, other amounts
    JobCounter counter = new JobCounter();
    drainListenerBus(spark);
    spark.sparkContext().addSparkListener(counter);
    List<Row> again;
    List<Row> derived;
    try {
      again = release.collectAsList();
      derived = release.select("*").collectAsList();
      drainListenerBus(spark);
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
    assertThat(again).isEqualTo(first);
    assertThat(derived).isEqualTo(first);
    assertThat(counter.jobs.get()).as("Spark jobs run by evaluating the release again").isZero();
  }

  @Test
  void clusterWithoutEncryption_warnsWithoutTheSecret() {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.authenticate", "true")
            .set("spark.authenticate.secret", "do-not-print-me-4242");
    String warning = ClusterEncryption.warning(conf, "spark://10.0.0.1:7077");
    assertThat(warning)
        .contains("spark.network.crypto.enabled")
        .contains("spark.io.encryption.enabled")
        .doesNotContain("do-not-print-me-4242");
  }

  @Test
  void clusterWithNetworkAndDiskEncryption_noWarning() {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.authenticate", "true")
            .set("spark.network.crypto.enabled", "true")
            .set("spark.io.encryption.enabled", "true");
    assertThat(ClusterEncryption.warning(conf, "yarn")).isNull();
  }

  @Test
  void clusterWithTlsButNoDiskEncryption_warnsAboutTheDiskOnly() {
    SparkConf conf = new SparkConf(false).set("spark.ssl.rpc.enabled", "true");
    String warning = ClusterEncryption.warning(conf, "k8s://https://10.0.0.1:6443");
    assertThat(warning)
        .contains("spark.io.encryption.enabled")
        .doesNotContain("spark.network.crypto.enabled");
  }

  @Test
  void localMode_noWarning() {
    assertThat(ClusterEncryption.warning(new SparkConf(false), "local[2,2]")).isNull();
    assertThat(ClusterEncryption.warning(new SparkConf(false), "local")).isNull();
  }
}
