package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.privspark.spark.SparkTestSession;

/**
 * Issue 12 (hostile review): histogram bins and counts were summed over units as doubles, which
 * stop counting exactly at 2^53. Group totals are now Spark's exact long sums of integer partials
 * (bins, and each limb of a sum), recombined exactly by the measurement's grid; so a bin past 2^53
 * and a sum past the long range come out exact. No data set can reach these totals in a test, so
 * the per-(unit, group) partials the bounding pass emits are written directly.
 */
class ExactGroupTotalsTest {
  /** A sum whose partials need three limbs (per-row bound at the top of the double range). */
  private static final InputGrid SUM = InputGrid.of("sum[v]", 1e308, 1);

  private static final InputGrid BINS = InputGrid.counts(1);

  @Test
  void groupTotals_binsPast2To53AndSumsPastTheLongRange_areExact() {
    assertThat(SUM.limbs()).isEqualTo(3);
    long bin = (1L << 52) + 1; // one unit's partial count of a bin, as no real unit could have
    long[] partials = {
      Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 - 12345, -(1L << 61) + 7, Long.MAX_VALUE / 2, 99
    };
    List<Row> rows = new ArrayList<>();
    BigInteger sumTotal = BigInteger.ZERO;
    for (long p : partials) {
      Object[] row = new Object[2 + 2 + SUM.limbs()];
      row[0] = "g";
      row[1] = 1L;
      row[2] = bin;
      row[3] = 0L;
      for (int j = 0; j < SUM.limbs(); j++) {
        row[4 + j] = SUM.limb(p, j);
      }
      rows.add(RowFactory.create(row));
      sumTotal = sumTotal.add(BigInteger.valueOf(p));
    }
    List<StructField> fields =
        new ArrayList<>(
            List.of(
                DataTypes.createStructField("grp", DataTypes.StringType, false),
                DataTypes.createStructField("__rows", DataTypes.LongType, false),
                DataTypes.createStructField("__m0_0", DataTypes.LongType, false),
                DataTypes.createStructField("__m0_1", DataTypes.LongType, false)));
    List<String> partialColumns = new ArrayList<>(List.of("__m0_0", "__m0_1"));
    for (int j = 0; j < SUM.limbs(); j++) {
      fields.add(DataTypes.createStructField("__m1_l" + j, DataTypes.LongType, false));
      partialColumns.add("__m1_l" + j);
    }
    Dataset<Row> perUnit =
        SparkTestSession.get()
            .createDataFrame(rows, DataTypes.createStructType(fields))
            .repartition(3); // partial sums in several tasks, merged in any order
    List<Column> keys = List.of(col("grp"));
    Dataset<Row> perGroup = PrivateAggregation.groupTotals(perUnit, keys, partialColumns);
    List<Row> staged =
        PrivateAggregation.staged(
                perGroup,
                keys,
                List.of(
                    List.of("__rows"),
                    List.of("__m0_0", "__m0_1"),
                    partialColumns.subList(2, partialColumns.size())))
            .collectAsList();

    assertThat(staged).hasSize(1);
    Row g = staged.get(0);
    assertThat(g.getLong(1)).as("units").isEqualTo(partials.length);
    assertThat(BINS.combine(g.getList(2), 0))
        .as("rows")
        .isEqualTo(BigInteger.valueOf(partials.length));
    List<Long> bins = g.getList(3);
    BigInteger exactBin = BigInteger.valueOf(bin).multiply(BigInteger.valueOf(partials.length));
    assertThat(BINS.combine(bins, 0)).as("bin 0, past 2^53").isEqualTo(exactBin);
    assertThat(BINS.combine(bins, 1)).as("bin 1").isEqualTo(BigInteger.ZERO);
    assertThat(SUM.combine(g.getList(4), 0)).as("sum, past 2^63").isEqualTo(sumTotal);
    assertThat(sumTotal.bitLength()).isGreaterThan(63);
  }
}
