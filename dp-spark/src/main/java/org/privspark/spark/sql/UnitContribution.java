package org.privspark.spark.sql;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * One privacy unit's contribution, bounded while its rows stream past: the L0 groups with the
 * smallest (keyed group hash, key), each a {@link GroupSample} of at most L∞ rows. A group pushed
 * out by a smaller one can never return (the largest kept group only gets smaller), so one pass
 * keeps exactly the groups a sort by (group hash, key) would, in memory bounded by L0 · L∞ rows.
 */
final class UnitContribution {
  private final RowLayout layout;
  private final long l0;
  private final long lInf;
  private final Map<Object, GroupSample> groups = new HashMap<>();
  private GroupSample largest; // the largest kept group; null when it must be found again

  UnitContribution(RowLayout layout, long l0, long lInf) {
    this.layout = layout;
    this.l0 = l0;
    this.lInf = lInf;
  }

  void add(Row row) {
    Object key = layout.groupKey(row);
    GroupSample group = groups.get(key);
    if (group == null) {
      long groupHash = row.getLong(layout.groupHash());
      if (groups.size() >= l0) {
        if (largest == null) {
          largest = findLargest();
        }
        if (isLarger(groupHash, row, largest)) {
          return; // not among this unit's L0 groups
        }
        groups.remove(largest.key);
      }
      largest = null;
      group = new GroupSample(key, layout.keyValues(row), groupHash, lInf, layout.valueCount());
      groups.put(key, group);
    }
    group.offer(row.getLong(layout.rowHash()), row, layout.firstValue());
  }

  Collection<GroupSample> groups() {
    return groups.values();
  }

  private GroupSample findLargest() {
    GroupSample max = null;
    for (GroupSample g : groups.values()) {
      if (max == null || compare(g.groupHash, g.keyValues, max) > 0) {
        max = g;
      }
    }
    return max;
  }

  /**
   * Whether the row's group comes after {@code other}; builds the key values only on a hash tie.
   */
  private boolean isLarger(long groupHash, Row row, GroupSample other) {
    return groupHash != other.groupHash
        ? groupHash > other.groupHash
        : compare(groupHash, layout.keyValues(row), other) > 0;
  }

  private static int compare(long groupHash, Object[] keyValues, GroupSample other) {
    int c = Long.compare(groupHash, other.groupHash);
    for (int i = 0; c == 0 && i < keyValues.length; i++) {
      c = compareKeys(keyValues[i], other.keyValues[i]);
    }
    return c;
  }

  /**
   * A fixed order of key values, the same on every evaluation; used only when two groups' 64-bit
   * hashes collide. Keys of one group are equal here too, as they arrive in normal form.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareKeys(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    if (a instanceof Comparable x && a.getClass() == b.getClass()) {
      return x.compareTo(b);
    }
    // Structs and arrays: their stable ids (a byte array's toString would differ per evaluation).
    return SparkKeys.id(new Object[] {a}).compareTo(SparkKeys.id(new Object[] {b}));
  }
}
