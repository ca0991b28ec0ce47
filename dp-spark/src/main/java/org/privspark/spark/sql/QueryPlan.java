package org.privspark.spark.sql;

import java.util.ArrayList;
import java.util.List;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.aggregation.AggregationPlan;
import org.privspark.core.aggregation.AggregationPlanner;
import org.privspark.core.aggregation.AggregationRequest;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.PartitionSelectionStrategy;
import org.privspark.core.aggregation.Quantity;
import org.privspark.core.aggregation.Statistic;
import org.privspark.core.mechanism.PartitionSelection;

/**
 * The privacy side of one query on Spark: dp-core's {@link AggregationPlan} (which quantities are
 * measured, the budget split, the cost; docs/AGGREGATIONS.md), with each measurement's public input
 * grid.
 *
 * <p><b>Sensitivities.</b> After bounding, one privacy unit touches at most L0 groups and at most
 * L∞ rows in each, with values clamped to [lower, upper]. Its largest contribution c to one group
 * is k = min(L∞, the rows a unit can keep) rows, 1 unit, k·max(|lower|, |upper|) for a sum, k·w for
 * a sum of values minus the midpoint (w = half the width), and k·w² for their squares. The sums are
 * exact integer sums on a public grid ({@link InputGrid}), and the planner is given c as their
 * exact bound in units of it times the grid step, rounded up: at least the real bound. Over all
 * groups that is L1 = L0·c (Laplace) and L2 = √L0·c (Gaussian). Each group's value is rounded to
 * the noise grid on its own, so a measurement's mechanism is planned for L0 × dimension rounded
 * coordinates ({@link org.privspark.core.aggregation.PlannedMeasurement#event()}).
 *
 * @param core the plan of dp-core's planner
 * @param measurements its measurements with their input grids, in the plan's order
 */
record QueryPlan(AggregationPlan core, List<Measurement> measurements) {

  static QueryPlan of(
      List<Aggregate> aggregates,
      boolean privateGroups,
      double selectionWeight,
      long preThreshold,
      long l0,
      long lInf,
      double epsilon,
      double delta,
      NoiseKind noise,
      PartitionSelectionStrategy selectionKind) {
    List<Statistic> statistics = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (Aggregate a : aggregates) {
      statistics.add(a.statistic());
      weights.add(a.weight());
    }
    AggregationPlan core =
        AggregationPlanner.plan(
            new AggregationRequest(
                statistics,
                weights,
                privateGroups,
                selectionWeight,
                preThreshold,
                l0,
                epsilon,
                delta,
                noise,
                selectionKind,
                q -> inputGrid(q, lInf).groupBound()));
    List<Measurement> measurements = new ArrayList<>();
    for (var planned : core.measurements()) {
      measurements.add(new Measurement(planned, inputGrid(planned.quantity(), lInf)));
    }
    return new QueryPlan(core, List.copyOf(measurements));
  }

  /** Everything the query costs. */
  PrivacyEvent event() {
    return core.event();
  }

  /** The partition selection, or null for public groups. */
  PartitionSelection selection() {
    return core.selection();
  }

  /**
   * The input grid of a quantity, whose {@link InputGrid#groupBound()} is the most one unit adds to
   * one group: rows (k = min(L∞, the rows a unit can keep)), units (1), or k rows of a sum's
   * largest contribution, in exact integer units of the grid.
   */
  static InputGrid inputGrid(Quantity q, long lInf) {
    return switch (q.kind()) {
      // A histogram: a unit's ≤ k rows in a group fall into its bins, so the bin vector of one
      // group moves by at most k in L1 (and in L2, when all rows share a bin).
      case ROWS, HISTOGRAM -> InputGrid.counts(InputGrid.keptRows(lInf));
      case UNITS -> InputGrid.counts(1);
      case SUM -> InputGrid.of(q.name(), Math.max(Math.abs(q.lower()), Math.abs(q.upper())), lInf);
      // Centred values: the bound of what floating point computes, not half the width (Centering).
      case CENTRED_SUM -> InputGrid.of(q.name(), q.centering().bound(), lInf);
      case CENTRED_SQUARES -> InputGrid.of(q.name(), q.centering().squareBound(), lInf);
    };
  }

  /** a·b rounded up: a sensitivity is never understated by the rounding of its product. */
  static double productUp(double a, double b) {
    return AggregationPlanner.productUp(a, b);
  }

  /** The measurement of the quantity named {@code name}. */
  Measurement measurement(String name) {
    for (Measurement m : measurements) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    throw new IllegalStateException("no measurement " + name);
  }
}
