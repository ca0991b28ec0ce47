package org.privspark.spark.ml.wrappers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.spark.sql.PrivacyUnitKeys;

/**
 * Bounds each privacy unit to at most k rows before a wrapper computes its statistics: per unit,
 * the k rows of smallest keyed row hash, as the aggregations bound L∞ ({@code sql/UnitBounding}).
 *
 * <p>The unit is put in the form in which Spark compares it ({@link PrivacyUnitKeys}), so rows of
 * one Spark-equal unit are bounded together however they are spelled (−0.0 and 0.0, "a" and "A"
 * under UTF8_LCASE). Each row's hash is xxhash64 of a salt derived from the fit's {@link
 * ReleaseKey}, the unit and the row's values: the choice is uniform-looking and independent of the
 * data's order, new for every fit (a new key) and the same on a retried task or a re-run from the
 * same release secret. Ties of the hash are broken by the values themselves, so the order is total
 * up to identical rows, and which of two identical rows is kept does not change any statistic. Rows
 * whose unit is null are dropped (a per-row rule).
 *
 * <p>Spark runs the bound as a window {@code row_number() ≤ k} per unit, which its optimizer turns
 * into a per-partition top-k before the shuffle ({@code WindowGroupLimit}).
 */
final class UnitRowBound {
  private static final String UNIT = "__privspark_unit";
  private static final String RANK = "__privspark_rank";

  private UnitRowBound() {}

  /**
   * {@code columns} of {@code data}, at most {@code k} rows per value of {@code unitCol}. Builds a
   * plan; runs no Spark job (Spark analyses it at once, so a bad column fails here).
   */
  static Dataset<Row> bound(
      Dataset<Row> data, String unitCol, int k, ReleaseKey key, String... columns) {
    DataType type = data.schema().apply(unitCol).dataType();
    List<Column> selected = new ArrayList<>();
    selected.add(PrivacyUnitKeys.normalised(col(unitCol), type).as(UNIT));
    for (String c : columns) {
      selected.add(col(c));
    }
    Dataset<Row> rows = data.select(selected.toArray(Column[]::new)).where(col(UNIT).isNotNull());
    byte[] salt = Arrays.copyOf(key.derive("ml-wrappers/unit-bounding"), 8);
    List<Column> hashed = new ArrayList<>(List.of(lit(salt), col(UNIT)));
    List<Column> order = new ArrayList<>();
    for (String c : columns) {
      Column v = orderable(rows, c);
      hashed.add(v);
    }
    order.add(xxhash64(hashed.toArray(Column[]::new)));
    for (String c : columns) {
      order.add(orderable(rows, c));
    }
    Column rank =
        row_number().over(Window.partitionBy(col(UNIT)).orderBy(order.toArray(Column[]::new)));
    return rows.withColumn(RANK, rank)
        .where(col(RANK).leq(k))
        .select(Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new));
  }

  /** A column Spark can hash and sort: vectors as arrays of doubles. */
  private static Column orderable(Dataset<Row> rows, String c) {
    return rows.schema().apply(c).dataType() instanceof VectorUDT
        ? org.apache.spark.ml.functions.vector_to_array(col(c), "float64")
        : col(c);
  }
}
