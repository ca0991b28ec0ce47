package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/** {@link UnitRowBound}: at most k rows per unit, units compared as Spark does, choices keyed. */
class UnitRowBoundTest {

  private static ReleaseKey key(int tag) {
    Secret s = WrapperTesting.secret(tag);
    return ReleaseKey.of(s, s.releaseId());
  }

  /** Unit u (of {@code units}) has u + 1 rows; row j of unit u has features (u, j) and label j. */
  private static Dataset<Row> staircase(Object[] units, DataType unitType) {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < units.length; u++) {
      for (int j = 0; j <= u; j++) {
        rows.add(RowFactory.create(units[u], Vectors.dense(u, j), (double) j));
      }
    }
    StructType schema =
        new StructType()
            .add("unit", unitType)
            .add("features", new VectorUDT())
            .add("label", DataTypes.DoubleType);
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static Map<Double, Long> rowsPerUnit(Dataset<Row> bounded) {
    Map<Double, Long> out = new HashMap<>();
    for (Row r : bounded.collectAsList()) {
      out.merge(((org.apache.spark.ml.linalg.Vector) r.get(0)).apply(0), 1L, Long::sum);
    }
    return out;
  }

  @Test
  void bound_keepsMinOfKAndTheUnitsRows_perUnit() {
    Object[] units = new Object[12];
    for (int u = 0; u < units.length; u++) {
      units[u] = "person-" + u;
    }
    Dataset<Row> data = staircase(units, DataTypes.StringType);
    for (int k : new int[] {1, 3, 7}) {
      Map<Double, Long> counts =
          rowsPerUnit(UnitRowBound.bound(data, "unit", k, key(1), "features", "label"));
      for (int u = 0; u < units.length; u++) {
        assertThat(counts.get((double) u))
            .as("unit %d, k = %d", u, k)
            .isEqualTo(Math.min(k, u + 1L));
      }
    }
  }

  @Test
  void bound_sameKeyKeepsTheSameRows_andDropsNullUnits() {
    Object[] units = {"a", "b", null, "c"};
    Dataset<Row> data = staircase(units, DataTypes.StringType).repartition(3);
    List<Row> first =
        UnitRowBound.bound(data, "unit", 2, key(5), "features", "label").collectAsList();
    List<Row> again =
        UnitRowBound.bound(data.repartition(2), "unit", 2, key(5), "features", "label")
            .collectAsList();
    assertThat(again).containsExactlyInAnyOrderElementsOf(first);
    assertThat(rowsPerUnit(UnitRowBound.bound(data, "unit", 2, key(5), "features", "label")))
        .doesNotContainKey(2.0)
        .containsEntry(3.0, 2L);
  }

  /** −0.0 and 0.0 are one unit in Spark's groupBy, and so are NaNs: bounded together. */
  @Test
  void bound_sparkEqualUnits_areBoundedAsOne() {
    List<Row> rows = new ArrayList<>();
    for (int j = 0; j < 4; j++) {
      rows.add(RowFactory.create(j % 2 == 0 ? 0.0 : -0.0, Vectors.dense(0, j), 1.0));
      rows.add(
          RowFactory.create(
              j % 2 == 0 ? Double.NaN : Double.longBitsToDouble(0x7ff8000000000abcL),
              Vectors.dense(1, j),
              1.0));
    }
    StructType schema =
        new StructType()
            .add("unit", DataTypes.DoubleType)
            .add("features", new VectorUDT())
            .add("label", DataTypes.DoubleType);
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, schema);
    Map<Double, Long> counts =
        rowsPerUnit(UnitRowBound.bound(data, "unit", 3, key(9), "features", "label"));
    assertThat(counts).containsEntry(0.0, 3L).containsEntry(1.0, 3L);
  }
}
