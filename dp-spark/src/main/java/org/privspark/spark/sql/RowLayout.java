package org.privspark.spark.sql;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.Row;

/**
 * Where things are in the rows {@link UnitBounding} reads: the sort key of the unit, the unit
 * itself (only when the sort key is a hash of it), the group keys, the keyed group and row hashes,
 * then the values.
 *
 * @param separateUnit whether column 1 holds the unit (the sort key is then its hash)
 * @param keyCount number of group key columns
 * @param valueCount number of value columns
 */
record RowLayout(boolean separateUnit, int keyCount, int valueCount) implements Serializable {

  int unit() {
    return separateUnit ? 1 : 0;
  }

  int firstKey() {
    return separateUnit ? 2 : 1;
  }

  int groupHash() {
    return firstKey() + keyCount;
  }

  int rowHash() {
    return groupHash() + 1;
  }

  int firstValue() {
    return rowHash() + 1;
  }

  /** The unit, as a hash-map key equal for equal units ({@link SparkKeys#identity}). */
  Object unitKey(Row row) {
    return SparkKeys.identity(row.get(unit()));
  }

  /**
   * The group, as a hash-map key equal for one Spark group: the keys arrive in normal form ({@link
   * SparkKeys#normalised}), so bit equality, which {@link SparkKeys#identity} gives, is Spark's
   * equality.
   */
  Object groupKey(Row row) {
    if (keyCount == 1) {
      return SparkKeys.identity(row.get(firstKey()));
    }
    Object[] key = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      key[i] = SparkKeys.identity(row.get(firstKey() + i));
    }
    return Arrays.asList(key);
  }

  /** The group key values as Spark gave them, for output. */
  Object[] keyValues(Row row) {
    Object[] key = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      key[i] = row.get(firstKey() + i);
    }
    return key;
  }
}
