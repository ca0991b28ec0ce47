package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.privspark.core.aggregation.Quantity;

/**
 * The streaming pass keeps exactly what sorting does: per unit the L0 groups of smallest (group
 * hash, key), in each the L∞ rows of smallest (row hash, value); also when units share a sort key
 * and their rows interleave. Checked against a brute-force reference on random inputs with many
 * hash ties.
 */
class UnitBoundingTest {
  private static final long L0 = 3;
  private static final long L_INF = 2;

  /** Values in [0, 2], two rows: units of 2^-38, two limbs. */
  private static final InputGrid GRID = InputGrid.of("sum", 2, L_INF);

  @Test
  void keepsTheSameGroupsAndRowsAsSorting() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      List<Object[]> rows = randomRows(random);
      assertThat(stream(rows)).isEqualTo(reference(rows));
    }
  }

  /** Rows (sortKey, unit, key, groupHash, rowHash, value), sorted by sortKey only. */
  private static List<Object[]> randomRows(SplittableRandom random) {
    List<Object[]> rows = new ArrayList<>();
    int n = 1 + random.nextInt(60);
    for (int i = 0; i < n; i++) {
      String unit = "u" + random.nextInt(6);
      long sortKey = unit.hashCode() % 2; // few sort keys: units collide and interleave
      String key = "g" + random.nextInt(6);
      // Small ranges force ties on both hashes; the group hash is a function of (unit, key).
      long groupHash = (unit + key).hashCode() % 3;
      rows.add(
          new Object[] {
            sortKey, unit, key, groupHash, (long) random.nextInt(3), (double) random.nextInt(4)
          });
    }
    rows.sort(Comparator.comparingLong(r -> (long) r[0]));
    return rows;
  }

  /** (unit is dropped by the pass) key → sorted list of "count/sum" per kept (unit, group). */
  private static Map<String, List<String>> stream(List<Object[]> rows) {
    PartialColumn sum = PartialColumn.sum(Quantity.sum("v", 0, 2), 0, GRID);
    UnitBounding pass = new UnitBounding(new RowLayout(true, 1, 1), L0, L_INF, List.of(sum));
    Iterator<Row> out = pass.call(rows.stream().map(RowFactory::create).iterator());
    Map<String, List<String>> byKey = new TreeMap<>();
    out.forEachRemaining(
        r ->
            byKey
                .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                .add(r.getLong(1) + "/" + GRID.combine(List.of(r.getLong(2), r.getLong(3)), 0)));
    byKey.values().forEach(l -> l.sort(null));
    return byKey;
  }

  private static Map<String, List<String>> reference(List<Object[]> rows) {
    Map<String, List<String>> byKey = new TreeMap<>();
    Map<Object, List<Object[]>> units = rows.stream().collect(Collectors.groupingBy(r -> r[1]));
    for (List<Object[]> unitRows : units.values()) {
      List<Object[]> firstOfGroup =
          new ArrayList<>(
              unitRows.stream()
                  .collect(Collectors.toMap(r -> (String) r[2], r -> r, (a, b) -> a))
                  .values());
      firstOfGroup.sort(
          Comparator.<Object[]>comparingLong(r -> (long) r[3]).thenComparing(r -> (String) r[2]));
      for (Object[] g : firstOfGroup.subList(0, (int) Math.min(L0, firstOfGroup.size()))) {
        List<Object[]> inGroup =
            new ArrayList<>(unitRows.stream().filter(r -> r[2].equals(g[2])).toList());
        inGroup.sort(
            Comparator.<Object[]>comparingLong(r -> (long) r[4])
                .thenComparingDouble(r -> (double) r[5]));
        List<Object[]> kept = inGroup.subList(0, (int) Math.min(L_INF, inGroup.size()));
        long total = 0;
        for (Object[] r : kept) {
          total +=
              (long) Math.scalb(Math.min(2, (double) r[5]), 38); // exact: small integers times 2^38
        }
        byKey.computeIfAbsent((String) g[2], k -> new ArrayList<>()).add(kept.size() + "/" + total);
      }
    }
    byKey.values().forEach(l -> l.sort(null));
    return byKey;
  }
}
