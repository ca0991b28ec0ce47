package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.PartitionSelectionStrategy;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * Each group's value is rounded to the noise grid on its own, so one unit that adds a row to each
 * of its L0 groups can move L0 rounded values by one grid unit each, even when the grid is coarser
 * than a row. The charged event (and the noise) must be planned for that shift, not for one rounded
 * value. No Spark session: the plan is worked out on the driver before any data is read.
 */
class QueryPlanRoundingTest {
  private static final List<Aggregate> COUNT =
      List.of(new Aggregate(Aggregate.Kind.COUNT, null, Double.NaN, Double.NaN, 1));

  /**
   * The worst case: before the unit, every group holds a count c just below half a grid step, and
   * the unit's one row per group lifts each to the next grid point. Returns the rounded shift of
   * one group in grid units (the true shift over L0 groups is L0 times it, in L1; √L0 times, in
   * L2).
   */
  private static long roundedShiftPerGroup(double g) {
    double c = Math.ceil(g / 2) - 1; // round(c/g) = 0 while round((c + 1)/g) = 1, for g ≥ 2
    return Math.round((c + 1) / g) - Math.round(c / g);
  }

  /**
   * ε = 2^-29 with L0 = 2^20: the grid step is 512 rows, and one unit moves 2^20 rounded counts.
   */
  @Test
  void laplaceCount_extremeSetting_chargedSensitivityBoundsTheRoundedShift() {
    long l0 = 1L << 20;
    QueryPlan plan =
        QueryPlan.of(
            COUNT,
            false,
            1,
            1,
            l0,
            1,
            0x1p-29,
            0,
            NoiseKind.LAPLACE,
            PartitionSelectionStrategy.TRUNCATED_GEOMETRIC);
    Measurement rows = plan.measurement(Aggregate.ROWS);
    GridMechanism<?, ?> mechanism = rows.mechanism();
    double g = mechanism.granularity();
    assertThat(g).isGreaterThanOrEqualTo(2.0);
    long shift = l0 * roundedShiftPerGroup(g);
    assertThat(shift).isEqualTo(l0);

    DiscreteLaplaceEvent charged = (DiscreteLaplaceEvent) rows.event();
    assertThat(charged.l1Sensitivity())
        .as("D in grid units")
        .isGreaterThanOrEqualTo((double) shift);
    // The loss of that shift, shift/T, stays within the ε the query asked for.
    assertThat(shift / charged.scale()).isLessThanOrEqualTo(0x1p-29);
    // Each group's release (on the executors) adds noise of the same plan and reports the same
    // event.
    Secret secret = Secret.fromBytes(new byte[32]);
    assertThat(mechanism.release(255.0, KeyedStreamSource.forCell(secret, "g")).event())
        .isEqualTo(charged);
    assertThat(plan.event().pureEpsilon()).isLessThanOrEqualTo(0x1p-29);
  }

  /**
   * Gaussian noise at ε = 0.05, δ = 1e-6 with L0 = 2^42: Δ = 2^21 and σ/Δ is in the hundreds, so
   * the grid step (σ·2^-26) is at least 2 rows, and one unit moves 2^42 rounded counts by a unit
   * each: an L2 shift of 2^21 units, against Δ/g ≤ 2^20 for one rounded value.
   */
  @Test
  void gaussianCount_extremeSetting_chargedSensitivityBoundsTheRoundedShift() {
    long l0 = 1L << 42;
    QueryPlan plan =
        QueryPlan.of(
            COUNT,
            false,
            1,
            1,
            l0,
            1,
            0.05,
            1e-6,
            NoiseKind.GAUSSIAN,
            PartitionSelectionStrategy.GAUSSIAN_THRESHOLDING);
    Measurement rows = plan.measurement(Aggregate.ROWS);
    double g = rows.mechanism().granularity();
    assertThat(g).isGreaterThanOrEqualTo(2.0);
    double shift = Math.sqrt((double) l0) * roundedShiftPerGroup(g);
    assertThat(shift).isEqualTo(0x1p21);

    DiscreteGaussianEvent charged = (DiscreteGaussianEvent) rows.event();
    assertThat(charged.l2Sensitivity()).as("D in grid units").isGreaterThanOrEqualTo(shift);
  }

  /** A histogram releases L0 × bins separately rounded values; its plan covers all of them. */
  @Test
  void histogram_coordinatesAreL0TimesBins() {
    double[] edges = {0, 1, 2, 3, 4};
    Aggregate histogram =
        new Aggregate(Aggregate.Kind.HISTOGRAM, "x", 0, 4, 1, edges, new double[0]);
    QueryPlan plan =
        QueryPlan.of(
            List.of(histogram),
            false,
            1,
            1,
            3,
            2,
            1,
            0,
            NoiseKind.LAPLACE,
            PartitionSelectionStrategy.TRUNCATED_GEOMETRIC);
    Measurement m = plan.measurements().get(0);
    assertThat(m.planned().coordinates()).isEqualTo(12);
    assertThat(m.mechanism().maxCoordinatesContributed()).isEqualTo(12);
  }
}
