package org.privspark.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} session a test JVM shares: starting Spark is most of a Spark test's
 * time. Bound to loopback, UI off, Kryo on (Kryo is what needs the --add-opens flags).
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session =
          SparkSession.builder()
              .appName("privspark-tests")
              .master("local[2,2]") // two threads; a failed task is retried once (tests inject
              // failures)
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
              // TaskFaults' lost shuffle output (a FetchFailed) makes Spark drop the local
              // executor's
              // block manager, which local mode cannot register again (Spark 4.1 and 4.2 look up
              // the CoarseGrainedScheduler endpoint that only a cluster has). Every heartbeat fails
              // from then on, and after 60 of them (10 minutes) Spark exits the test JVM with code
              // 56: on a loaded machine the dp-spark suite outlived that.
              .config("spark.executor.heartbeat.maxFailures", String.valueOf(Integer.MAX_VALUE))
              .getOrCreate();
    }
    return session;
  }
}
