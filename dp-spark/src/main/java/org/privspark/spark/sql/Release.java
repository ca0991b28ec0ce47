package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Turns the plan of a release into what the caller gets: its rows, computed once, sorted by the
 * group keys, and held on the driver (docs/THREAT-MODEL.md, "What a release reveals").
 *
 * <ul>
 *   <li><b>Computed once.</b> The plan runs in one Spark job and its rows (one per released group:
 *       small) are collected. The returned {@code Dataset} is a local relation of those rows, so
 *       evaluating it again runs no Spark job over the source: a table rewritten in place or a JDBC
 *       source that changed cannot make the same release say something else.
 *   <li><b>Sorted by key.</b> The order in which Spark's aggregation emits groups follows hash maps
 *       and shuffle partitions, which depend on the data (groups that were dropped by partition
 *       selection among them). Sorting by the keys (Spark's ordering, nulls first) leaves an order
 *       that depends on the released keys alone.
 * </ul>
 */
final class Release {
  private Release() {}

  /**
   * Fails, with Spark's analysis error, if the plan does not analyse or the keys cannot be sorted
   * (a type Spark cannot order). Call it before the charge: it analyses a plan and runs nothing.
   */
  static void requireAnalysed(Dataset<Row> noisy, String[] keys) {
    // A classic session analyses each Dataset as it is built; a Spark Connect client only when
    // asked, and schema() asks the server (an analysis, no job).
    (keys.length > 0 ? noisy.orderBy(order(keys)) : noisy).schema();
  }

  /** Runs {@code noisy} once and returns its rows sorted by {@code keys}, as a local relation. */
  static Dataset<Row> materialise(Dataset<Row> noisy, String[] keys) {
    SparkSession spark = noisy.sparkSession();
    Dataset<Row> local = spark.createDataFrame(noisy.collectAsList(), noisy.schema());
    if (keys.length == 0) {
      return local; // one row
    }
    // Sorted with Spark's own ordering (collations, NaN last), over the rows already collected.
    List<Row> sorted = local.orderBy(order(keys)).collectAsList();
    return spark.createDataFrame(sorted, noisy.schema());
  }

  private static Column[] order(String[] keys) {
    return Arrays.stream(keys).map(k -> col(k).asc_nulls_first()).toArray(Column[]::new);
  }
}
