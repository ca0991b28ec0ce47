package org.privspark.spark.ml;

import java.util.function.Supplier;
import org.privspark.core.Check;

/**
 * Runs the part of a fit that reads private data, after its budget was charged, so that a failure
 * names no value of the data.
 *
 * <p>Rule (docs/THREAT-MODEL.md): an exception, log line, metric, Spark job description or
 * accumulator on the data path never contains a value computed from private data. PrivSpark's own
 * code on that path logs and throws only public values, and drops bad rows by a per-row rule rather
 * than failing on them. What remains — an executor lost, an upstream transformation of the caller's
 * failing on some row, a mechanism refusing a value — may carry a message that quotes the data;
 * this wrapper rethrows any {@link Exception} as {@link FailedAfterChargeException}, which keeps
 * the types and stack traces and drops every message. ({@link Error}s, such as {@code
 * OutOfMemoryError}, pass unchanged.) Spark's own logs on the driver and executors still record
 * task failures with their messages; keep them as private as the data.
 *
 * <p>For PrivSpark's estimators and wrappers; public only because they live in two packages.
 */
public final class DataPhase {
  private DataPhase() {}

  /**
   * Runs {@code work} and returns its result; any exception it throws is rethrown as {@link
   * FailedAfterChargeException} naming {@code stage} (which must be public: a class name and uid).
   */
  public static <T> T run(String stage, Supplier<T> work) {
    Check.notNull("stage", stage);
    Check.notNull("work", work);
    try {
      return work.get();
    } catch (Exception e) { // SparkException is a checked (Scala) exception, thrown undeclared
      throw new FailedAfterChargeException(stage, e);
    }
  }
}
