package org.privspark.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.Check;

/**
 * Tells a classic Spark session's {@code Dataset} from a Spark Connect client's, for the entry
 * points that need the driver's {@code SparkContext}, RDDs, broadcasts or {@code treeAggregate}
 * (DP-SGD, the MLlib wrappers, a ledger store built from a session). Under Spark Connect those are
 * refused at once, before anything is read or charged, with the alternative named: for data, DP SQL
 * through {@code spark.sql} on a Connect server that loads {@code
 * org.privspark.sql.PrivSparkExtensions} (docs/CONNECT.md).
 *
 * <p>The test is by class name, so that it also runs in a Connect client JVM, where the classic
 * classes are absent: a classic {@code Dataset} is an {@code org.apache.spark.sql.classic.Dataset}
 * (Spark 4.0 and later).
 */
public final class ClassicSession {
  private static final String CLASSIC_DATASET = "org.apache.spark.sql.classic.Dataset";
  private static final String CLASSIC_SESSION = "org.apache.spark.sql.classic.SparkSession";

  private ClassicSession() {}

  /**
   * Whether {@code data} belongs to a classic session.
   *
   * @param data a data set
   * @return true for a classic session's, false for a Spark Connect client's (or any other kind)
   */
  public static boolean isClassic(Dataset<?> data) {
    Check.notNull("data", data);
    return isOrExtends(data.getClass(), CLASSIC_DATASET);
  }

  /**
   * Whether {@code spark} is a classic session.
   *
   * @param spark a session
   * @return true for a classic session, false for a Spark Connect client's (or any other kind)
   */
  public static boolean isClassic(SparkSession spark) {
    Check.notNull("spark", spark);
    return isOrExtends(spark.getClass(), CLASSIC_SESSION);
  }

  /**
   * Refuses {@code data} unless it belongs to a classic session.
   *
   * @param parameter the name of the argument, for the message
   * @param data the data set handed to {@code entryPoint}
   * @param entryPoint what needs the classic session, for example {@code
   *     "DPLogisticRegression.fit"}
   * @throws UnsupportedOperationException if {@code data} belongs to a Spark Connect session (or to
   *     any session that is not classic); the message names DP SQL as the alternative
   */
  public static void require(String parameter, Dataset<?> data, String entryPoint) {
    Check.notNull(parameter, data);
    if (!isClassic(data)) {
      throw refusal(
          parameter,
          data.getClass(),
          entryPoint,
          "use DP SQL: spark.sql(\"SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = ...) ..."
              + " FROM <private table> ...\") on a server started with"
              + " spark.sql.extensions=org.privspark.sql.PrivSparkExtensions (docs/CONNECT.md),"
              + " or run this code in a classic session (spark-submit)");
    }
  }

  /**
   * Refuses {@code spark} unless it is a classic session.
   *
   * @param parameter the name of the argument, for the message
   * @param spark the session handed to {@code entryPoint}
   * @param entryPoint what needs the classic session
   * @param alternative what to call instead under Spark Connect, for the message
   * @throws UnsupportedOperationException if {@code spark} is a Spark Connect session
   */
  public static void require(
      String parameter, SparkSession spark, String entryPoint, String alternative) {
    Check.notNull(parameter, spark);
    if (!isClassic(spark)) {
      throw refusal(parameter, spark.getClass(), entryPoint, alternative);
    }
  }

  private static UnsupportedOperationException refusal(
      String parameter, Class<?> given, String entryPoint, String alternative) {
    return new UnsupportedOperationException(
        entryPoint
            + " needs a classic Spark session (it uses the driver's SparkContext), but "
            + parameter
            + " is a "
            + given.getName()
            + ", a Spark Connect client's; nothing was read or charged. Under Spark Connect, "
            + alternative);
  }

  private static boolean isOrExtends(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
