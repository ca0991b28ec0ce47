package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * The reference the benchmark measures a private aggregation's accuracy against: one seeded,
 * uniform contribution bounding without noise, then the exact count, sum and mean per group.
 *
 * <p>Per privacy unit ({@code user}) it keeps at most L0 of the unit's groups ({@code key}), chosen
 * uniformly at random, and in each at most L∞ of the unit's rows, chosen uniformly at random; then
 * per group it counts the kept rows and sums their {@code value} clamped to [lower, upper]. The
 * random choices are the ranks of a seeded hash, as in PrivSpark's own bounding, whose hashes are
 * keyed by the release secret instead: the group hash of (unit, key) and the row hash of (unit,
 * key, value). So both draw from the same distribution of kept rows, but with different draws, and
 * a group's reference value differs from the DP query's noise-free value by the luck of the draw.
 *
 * <p>This is a benchmark's yardstick computed with plain Spark (two window functions), not a
 * release: it is exact and not private, and it is never part of any timing.
 */
final class BoundedReference {
  private BoundedReference() {}

  /**
   * One group of the reference.
   *
   * @param count kept rows
   * @param sum sum of the kept rows' clamped values
   */
  record Group(long count, double sum) {
    /** sum / count (NaN if no row was kept, which the reference never reports). */
    double mean() {
      return sum / count;
    }
  }

  /**
   * The reference of {@code df} (columns {@code user}, {@code key} int, {@code value}), collected
   * on the driver: one entry per group with at least one kept row.
   *
   * @param l0 groups kept per unit, &ge; 1
   * @param lInf rows kept per unit and group, &ge; 1
   * @param lower lower clamping bound of {@code value}
   * @param upper upper clamping bound, &gt; lower
   * @param seed seed of the random choices
   */
  static Map<Integer, Group> compute(
      Dataset<Row> df, int l0, int lInf, double lower, double upper, long seed) {
    if (l0 < 1 || lInf < 1) {
      throw new IllegalArgumentException("l0 and lInf must be >= 1; got " + l0 + " and " + lInf);
    }
    if (!(lower < upper)) {
      throw new IllegalArgumentException(
          "bounds must have lower < upper; got [" + lower + ", " + upper + "]");
    }
    // Ordering by (hash, key) and (hash, value) breaks hash ties, so that dense_rank counts
    // distinct groups and row_number picks among identical rows only.
    Dataset<Row> ranked =
        df.withColumn("__group_hash", xxhash64(lit(seed), col("user"), col("key")))
            .withColumn(
                "__row_hash", xxhash64(lit(seed + 1), col("user"), col("key"), col("value")))
            .withColumn(
                "__group_rank",
                dense_rank()
                    .over(Window.partitionBy("user").orderBy(col("__group_hash"), col("key"))))
            .withColumn(
                "__row_rank",
                row_number()
                    .over(
                        Window.partitionBy("user", "key")
                            .orderBy(col("__row_hash"), col("value"))));
    Dataset<Row> perGroup =
        ranked
            .where(col("__group_rank").leq(l0).and(col("__row_rank").leq(lInf)))
            .groupBy("key")
            .agg(
                count(lit(1)).as("count"),
                sum(greatest(lit(lower), least(lit(upper), col("value").cast("double"))))
                    .as("sum"));
    Map<Integer, Group> groups = new HashMap<>();
    for (Row r : perGroup.collectAsList()) {
      groups.put(r.getInt(0), new Group(r.getLong(1), r.getDouble(2)));
    }
    return groups;
  }

  /**
   * {@code reference} as rows shaped like a release of count, sum and mean of {@code value}
   * (columns {@code key}, {@code count}, {@code sum_<value>}, {@code mean_<value>}), so that one
   * draw can be scored against another by {@link Accuracy#of}.
   */
  static List<Row> asRelease(Map<Integer, Group> reference, String value) {
    StructType schema =
        new StructType()
            .add("key", "int")
            .add("count", "double")
            .add("sum_" + value, "double")
            .add("mean_" + value, "double");
    List<Row> rows = new ArrayList<>();
    reference.forEach(
        (key, g) ->
            rows.add(
                new GenericRowWithSchema(
                    new Object[] {key, (double) g.count(), g.sum(), g.mean()}, schema)));
    return rows;
  }
}
