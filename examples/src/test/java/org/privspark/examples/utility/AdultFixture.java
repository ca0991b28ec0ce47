package org.privspark.examples.utility;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.noise.Secret;
import org.privspark.examples.AdultData;
import org.privspark.examples.AdultEncoding;
import org.privspark.jobs.JobFixture;

/**
 * What the utility tests share: the examples' one test session ({@link JobFixture#spark()}, never
 * stopped here), the splits of {@code data/adult}, the wrappers' encoded splits (cached for all
 * wrapper test classes) and their fixed release secrets.
 */
final class AdultFixture {
  private static SparkSession cachedFor;
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  private AdultFixture() {}

  static SparkSession spark() {
    return JobFixture.spark();
  }

  /** {@code data/adult/<name>}: {@code adult.data} or {@code adult.test}. */
  static Path file(String name) {
    return AdultData.defaultDir().resolve(name);
  }

  /** The training split in {@link AdultEncoding}'s columns (32,561 rows), cached and shared. */
  static synchronized Dataset<Row> encodedTrain() {
    load();
    return train;
  }

  /** The test split in {@link AdultEncoding}'s columns (16,281 rows), cached and shared. */
  static synchronized Dataset<Row> encodedTest() {
    load();
    return test;
  }

  private static void load() {
    SparkSession spark = spark();
    // Another test class of the module may have stopped the session the cache belongs to.
    if (cachedFor == spark) {
      return;
    }
    train = AdultEncoding.load(spark, file("adult.data").toString()).cache();
    if (train.count() != AdultData.TRAIN_ROWS) {
      throw new IllegalStateException("adult.data must hold 32,561 rows");
    }
    test = AdultEncoding.load(spark, file("adult.test").toString()).cache();
    if (test.count() != AdultData.TEST_ROWS) {
      throw new IllegalStateException("adult.test must hold 16,281 rows");
    }
    cachedFor = spark;
  }

  /**
   * A fixed release secret (tests may fix secrets): the bytes of dp-spark's {@code
   * WrapperTesting.secret}, which the wrappers' Adult tests used before they moved here.
   */
  static Secret secret(int tag) {
    byte[] bytes = new byte[Secret.LENGTH];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (17 * i + 3);
    }
    bytes[0] = (byte) tag;
    return Secret.fromBytes(bytes);
  }
}
