package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.PartitionSelectionStrategy;
import org.privspark.core.aggregation.Quantity;

/**
 * Issue 12 (hostile review): with bounds whose midpoint is not a double, a centred contribution
 * reached twice the half-width (its square four times), but the charged sensitivities were the
 * half-width and its square. The charge must bound every contribution, for every measurement.
 */
class CenteredSensitivityTest {
  @Test
  void chargedSensitivity_boundsEveryCentredContribution_evenWhenTheMidpointRounds() {
    double lower = 0x1p53;
    double upper = 0x1p53 + 2; // the true midpoint 2^53 + 1 is not a double
    Aggregate variance = new Aggregate(Aggregate.Kind.VARIANCE, "v", lower, upper, 1);
    for (NoiseKind noise : NoiseKind.values()) {
      QueryPlan plan =
          QueryPlan.of(
              List.of(variance),
              false,
              1,
              1,
              1,
              1,
              1.0,
              noise == NoiseKind.GAUSSIAN ? 1e-6 : 0,
              noise,
              PartitionSelectionStrategy.TRUNCATED_GEOMETRIC);
      Measurement sums = plan.measurement(variance.centeredSumName());
      Measurement squares = plan.measurement(variance.centeredSquaresName());
      PartialColumn csum =
          PartialColumn.sum(Quantity.centredSum("v", lower, upper), 0, sums.input());
      PartialColumn csq =
          PartialColumn.sum(Quantity.centredSquares("v", lower, upper), 0, squares.input());
      for (double v : new double[] {lower, Math.nextUp(lower), upper, -1e300, 1e300}) {
        assertThat(Math.abs(csum.of(v)))
            .as(noise + ": centred value of " + v)
            .isLessThanOrEqualTo(sums.sensitivity());
        assertThat(csq.of(v))
            .as(noise + ": centred square of " + v)
            .isLessThanOrEqualTo(squares.sensitivity());
        // What is summed is the snapped value: bounded by the grid's row bound, in integer units.
        assertThat(Math.abs(csum.units(v))).isLessThanOrEqualTo(sums.input().rowUnits());
        assertThat(Math.abs(csq.units(v))).isLessThanOrEqualTo(squares.input().rowUnits());
      }
    }
  }

  @Test
  void laplaceSensitivityProducts_roundUp() {
    // L∞ = 3 and U = (2^54 + 2^14 + 1)/3 · 2^-54: 3·U rounds to nearest below the exact product.
    double upper = (0x1p54 + 0x1p14 + 1) / 3 * 0x1p-54;
    Aggregate sum = new Aggregate(Aggregate.Kind.SUM, "v", 0, upper, 1);
    QueryPlan plan =
        QueryPlan.of(
            List.of(sum),
            false,
            1,
            1,
            1,
            3,
            1.0,
            0,
            NoiseKind.LAPLACE,
            PartitionSelectionStrategy.TRUNCATED_GEOMETRIC);
    java.math.BigDecimal exact =
        new java.math.BigDecimal(upper).multiply(java.math.BigDecimal.valueOf(3));
    assertThat(new java.math.BigDecimal(plan.measurement(sum.sumName()).sensitivity()))
        .isGreaterThanOrEqualTo(exact);
  }
}
