package org.privspark.spark.sql;

import java.util.Arrays;
import org.apache.spark.sql.Row;

/**
 * One privacy unit's rows in one group, bounded to the L∞ rows with the smallest (keyed row hash,
 * values): a max-heap of at most L∞ entries, so memory stays bounded however many rows the unit
 * has. Equal hashes with equal values are identical rows, so which of them is kept is immaterial.
 */
final class GroupSample {
  /**
   * The most rows a unit keeps in one group, whatever L∞ is: 2^20. The kept rows are held in an
   * executor's memory, so a larger cap would let one heavy unit exhaust it after the charge, which
   * would reveal that the unit is heavy (docs/THREAT-MODEL.md). The sensitivity is charged for
   * min(L∞, 2^20) rows ({@link InputGrid#keptRows}).
   */
  static final long MAX_KEPT_ROWS = 1L << 20;

  final Object key;
  final Object[] keyValues;
  final long groupHash;
  private final int capacity;
  private final int valueCount;
  private long[] hashes = new long[2];
  private double[] values;
  private int size;

  GroupSample(Object key, Object[] keyValues, long groupHash, long lInf, int valueCount) {
    this.key = key;
    this.keyValues = keyValues;
    this.groupHash = groupHash;
    this.capacity = (int) Math.min(lInf, MAX_KEPT_ROWS);
    this.valueCount = valueCount;
    this.values = new double[2 * valueCount];
  }

  /** Offers a row: its hash and the values at {@code row[first …]}. */
  void offer(long rowHash, Row row, int first) {
    if (size < capacity) {
      if (size == hashes.length) {
        int grown = (int) Math.min((long) size * 2, capacity);
        hashes = Arrays.copyOf(hashes, grown);
        values =
            Arrays.copyOf(
                values,
                Math.toIntExact((long) grown * valueCount)); // valueCount is public and small
      }
      store(size, rowHash, row, first);
      siftUp(size++);
    } else if (compareRow(rowHash, row, first, 0) < 0) {
      store(0, rowHash, row, first);
      siftDown(0, size);
    }
  }

  /** How many rows are kept. */
  int size() {
    return size;
  }

  /**
   * The exact sum of {@code p}'s integer contributions over the kept rows: at most {@link
   * #MAX_KEPT_ROWS} terms of magnitude at most its grid's row bound, so it never overflows (see
   * {@link InputGrid}) and does not depend on the order of the rows.
   */
  long sum(PartialColumn p) {
    long sum = 0;
    for (int i = 0; i < size; i++) {
      sum += p.units(values[i * valueCount + p.value()]);
    }
    return sum;
  }

  private void store(int i, long rowHash, Row row, int first) {
    hashes[i] = rowHash;
    for (int v = 0; v < valueCount; v++) {
      values[i * valueCount + v] = row.getDouble(first + v);
    }
  }

  private int compareRow(long rowHash, Row row, int first, int i) {
    int c = Long.compare(rowHash, hashes[i]);
    for (int v = 0; c == 0 && v < valueCount; v++) {
      c = Double.compare(row.getDouble(first + v), values[i * valueCount + v]);
    }
    return c;
  }

  private int compare(int i, int j) {
    int c = Long.compare(hashes[i], hashes[j]);
    for (int v = 0; c == 0 && v < valueCount; v++) {
      c = Double.compare(values[i * valueCount + v], values[j * valueCount + v]);
    }
    return c;
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (compare(i, parent) <= 0) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i, int end) {
    while (true) {
      int largest = i;
      int left = 2 * i + 1;
      if (left < end && compare(left, largest) > 0) {
        largest = left;
      }
      if (left + 1 < end && compare(left + 1, largest) > 0) {
        largest = left + 1;
      }
      if (largest == i) {
        return;
      }
      swap(i, largest);
      i = largest;
    }
  }

  private void swap(int i, int j) {
    long h = hashes[i];
    hashes[i] = hashes[j];
    hashes[j] = h;
    for (int v = 0; v < valueCount; v++) {
      double x = values[i * valueCount + v];
      values[i * valueCount + v] = values[j * valueCount + v];
      values[j * valueCount + v] = x;
    }
  }
}
