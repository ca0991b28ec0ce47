package org.privspark.jobs;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Test-only hooks of the jobs, for {@code .ci/failure-test} (docs/RELIABILITY.md, "Spark failures").
 * Each is off unless its Spark conf key is set, and then changes only timing, never a row.
 *
 * <p>{@value #SLOW_FIRST_ATTEMPT_MS}{@code =N}: the query's input passes through an identity
 * {@code mapPartitions} whose first attempt of partition 0 (in the first attempt of its stage)
 * prints a line to the executor's stderr and sleeps N ms. That makes one task a straggler, for
 * speculative execution to copy, and widens the window to kill an executor in mid-job.
 */
final class TestingHooks {
  /** The conf key of the slow first attempt, in milliseconds. Test-only; do not set in production. */
  static final String SLOW_FIRST_ATTEMPT_MS = "spark.privspark.test.slowFirstAttemptMs";
  /** What the slowed task prints to stderr before it sleeps (the failure test waits for it). */
  static final String SLOW_MARKER = "privspark-test: slowing the first attempt of partition 0";

  private TestingHooks() {}

  /** {@code data} itself, or with the slow first attempt when {@link #SLOW_FIRST_ATTEMPT_MS} is set. */
  static Dataset<Row> apply(SparkSession spark, Dataset<Row> data) {
    String value = spark.conf().get(SLOW_FIRST_ATTEMPT_MS, null);
    if (value == null) {
      return data;
    }
    long ms;
    try {
      ms = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SLOW_FIRST_ATTEMPT_MS + " must be an integer >= 0; got " + value, e);
    }
    if (ms < 0) {
      throw new IllegalArgumentException(SLOW_FIRST_ATTEMPT_MS + " must be an integer >= 0; got " + value);
    }
    MapPartitionsFunction<Row, Row> slow = rows -> {
      TaskContext tc = TaskContext.get();
      if (tc != null && tc.partitionId() == 0 && tc.attemptNumber() == 0 && tc.stageAttemptNumber() == 0) {
        System.err.println(SLOW_MARKER + " of stage " + tc.stageId() + " by " + ms + " ms (task "
            + tc.taskAttemptId() + ")");
        System.err.flush();
        Thread.sleep(ms); // interrupted when a speculative copy wins or the task is killed
      }
      return rows;
    };
    return data.mapPartitions(slow, Encoders.row(data.schema()));
  }
}
