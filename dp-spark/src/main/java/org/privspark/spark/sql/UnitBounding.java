package org.privspark.spark.sql;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Both contribution bounds in one streaming pass over a partition whose rows are sorted by a 64-bit
 * key of their privacy unit ({@link RowLayout}): per unit, the L0 groups and in each the L∞ rows of
 * smallest keyed hash ({@link UnitContribution}). Emits one row per kept (unit, group): the group
 * keys, the number of kept rows, then per {@link PartialColumn} its exact integer sum over the kept
 * rows, split into its grid's {@link InputGrid#limbs} long columns.
 *
 * <p>Rows with equal sort keys arrive together. When the sort key is a hash of the unit, two units
 * may share it and interleave; they are kept apart by the unit itself, so a collision never lets a
 * unit exceed its bounds. Memory: the states of the units of one sort key, each at most L0 ·
 * min(L∞, 2^20) rows ({@link GroupSample#MAX_KEPT_ROWS}).
 */
final class UnitBounding implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final RowLayout layout;
  private final long l0;
  private final long lInf;
  private final List<PartialColumn> partials;
  private final int width;

  UnitBounding(RowLayout layout, long l0, long lInf, List<PartialColumn> partials) {
    this.layout = layout;
    this.l0 = l0;
    this.lInf = lInf;
    this.partials = List.copyOf(partials);
    this.width = layout.keyCount() + 1 + partials.stream().mapToInt(p -> p.grid().limbs()).sum();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Pass(input);
  }

  /** Lazily reads one sort key's rows at a time and yields their kept (unit, group) rows. */
  private final class Pass implements Iterator<Row> {
    private final Iterator<Row> input;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final Map<Object, UnitContribution> units = new LinkedHashMap<>();
    private Row next; // first row of the next sort key, already read

    Pass(Iterator<Row> input) {
      this.input = input;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && (next != null || input.hasNext())) {
        readSortKey();
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void readSortKey() {
      Row row = next != null ? next : input.next();
      next = null;
      long sortKey = row.getLong(0);
      UnitContribution current = new UnitContribution(layout, l0, lInf);
      Object currentUnit = layout.separateUnit() ? layout.unitKey(row) : null;
      units.put(currentUnit, current);
      while (true) {
        if (layout.separateUnit()) {
          Object unit = layout.unitKey(row);
          if (!unit.equals(currentUnit)) {
            currentUnit = unit;
            current = units.computeIfAbsent(unit, u -> new UnitContribution(layout, l0, lInf));
          }
        }
        current.add(row);
        if (!input.hasNext()) {
          break;
        }
        row = input.next();
        if (row.getLong(0) != sortKey) {
          next = row;
          break;
        }
      }
      for (UnitContribution unit : units.values()) {
        emit(unit);
      }
      units.clear();
    }

    private void emit(UnitContribution unit) {
      for (GroupSample group : unit.groups()) {
        Object[] out = new Object[width];
        System.arraycopy(group.keyValues, 0, out, 0, layout.keyCount());
        out[layout.keyCount()] = (long) group.size();
        int at = layout.keyCount() + 1;
        for (PartialColumn p : partials) {
          long partial = group.sum(p);
          for (int j = 0; j < p.grid().limbs(); j++) {
            out[at++] = p.grid().limb(partial, j);
          }
        }
        ready.add(RowFactory.create(out));
      }
    }
  }
}
