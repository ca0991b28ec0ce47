package org.privspark.examples;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session every benchmark job starts, in one place: the driver on loopback, the UI off,
 * extra {@code key=value} settings applied last, the master given (else the launcher's {@code
 * spark.master}, else {@code local[2]}), and warnings only in the log.
 */
final class BenchmarkSessions {
  private BenchmarkSessions() {}

  /** A builder for {@code appName} with the driver on 127.0.0.1 and the UI off. */
  static SparkSession.Builder loopback(String appName) {
    return SparkSession.builder()
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
  }

  /** Checks that every entry of {@code conf} is {@code key=value}; returns an immutable copy. */
  static List<String> checkConf(List<String> conf) {
    for (String c : conf) {
      if (c.indexOf('=') <= 0) {
        throw new IllegalArgumentException("conf must be key=value; got '" + c + "'");
      }
    }
    return List.copyOf(conf);
  }

  /** Applies {@code conf}, picks the master and starts (or joins) the session. */
  static SparkSession start(SparkSession.Builder builder, String master, List<String> conf) {
    for (String c : conf) {
      builder.config(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1));
    }
    String chosen = master != null ? master : System.getProperty("spark.master", "local[2]");
    SparkSession spark = builder.master(chosen).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
