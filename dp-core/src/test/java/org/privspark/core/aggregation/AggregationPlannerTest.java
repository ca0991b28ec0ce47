package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.mechanism.Centering;

/** The planner's choices and budget split against the closed forms of docs/AGGREGATIONS.md. */
class AggregationPlannerTest {
  static final long K = 10;
  static final long L0 = 5;

  /** The real (grid-free) unit bounds of dp-core: k rows, 1 unit, k·max|b|, k·w, k·w². */
  static double unitBound(Quantity q) {
    return switch (q.kind()) {
      case ROWS, HISTOGRAM -> K;
      case UNITS -> 1;
      case SUM -> K * Math.max(Math.abs(q.lower()), Math.abs(q.upper()));
      case CENTRED_SUM -> K * q.centering().bound();
      case CENTRED_SQUARES -> K * q.centering().squareBound();
    };
  }

  static AggregationRequest request(
      List<Statistic> stats, boolean privateGroups, NoiseKind noise, long l0) {
    return new AggregationRequest(
        stats,
        Collections.nCopies(stats.size(), 1.0),
        privateGroups,
        1,
        1,
        l0,
        1.0,
        1e-6,
        noise,
        null,
        AggregationPlannerTest::unitBound);
  }

  static final List<Statistic> BENCHMARK =
      List.of(new BoundedCount(), new BoundedSum("v", 0, 100), new BoundedMean("v", 0, 100));

  @Test
  void benchmarkQuery_derivesTheSumFromTheCountAndTheCentredSum() {
    AggregationPlan plan = AggregationPlanner.plan(request(BENCHMARK, true, NoiseKind.LAPLACE, L0));
    assertThat(plan.measurements())
        .extracting(PlannedMeasurement::quantity)
        .containsExactly(Quantity.ROWS, Quantity.centredSum("v", 0, 100));
    assertThat(plan.derivations().get(1).name()).isEqualTo("centred");
    // Selection gets a quarter; the measurements share the rest.
    assertThat(plan.selectionEpsilon()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-8));
    double total = plan.measurements().stream().mapToDouble(PlannedMeasurement::epsilon).sum();
    assertThat(total).isLessThanOrEqualTo(0.75).isGreaterThan(0.75 - 1e-8);
  }

  @Test
  void laplaceSplit_isTheCubeRootClosedForm() {
    // count, sum, mean on [0, 100], t = g·c² with c_C = k, c_S = 50k (in units of k²): count: t_C =
    // 1 = V*; sum (centred, m = 50): t_C = t_S = 2500, V* = min(direct 10⁴, (2·2500^{1/3})³) = 10⁴;
    // mean: t_S = 2500 = V*, and C a floor quantity (no first-order weight at the reference group).
    // A_C = 1 + 0.25, A_S = 0.25 + 1: an even split.
    AggregationPlan plan = AggregationPlanner.plan(request(BENCHMARK, true, NoiseKind.LAPLACE, L0));
    double ratio = plan.measurements().get(0).epsilon() / plan.measurements().get(1).epsilon();
    assertThat(ratio).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void countAndSum_splitByTheCubeRoots() {
    // count and sum on [0, 100]: sum derived (A_C = 1 + 2500/10⁴·... ) or direct; both are tried.
    // Direct: A_C = 1, A_sum = 1 -> J = 8; centred: A_C = 1.25, A_S = 0.25 -> J = (1.077 + 0.630)³
    // = 4.98.
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(
                List.of(new BoundedCount(), new BoundedSum("v", 0, 100)),
                false,
                NoiseKind.LAPLACE,
                1));
    assertThat(plan.derivations().get(1).name()).isEqualTo("centred");
    double ratio = plan.measurements().get(0).epsilon() / plan.measurements().get(1).epsilon();
    assertThat(ratio).isCloseTo(Math.cbrt(1.25 / 0.25), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void meanAlone_givesTheCountItsFloor() {
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(List.of(new BoundedMean("v", 0, 100)), false, NoiseKind.LAPLACE, 1));
    assertThat(plan.measurements().get(0).epsilon())
        .isCloseTo(0.25 * (1 - 1e-9), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(plan.measurements().get(1).epsilon())
        .isCloseTo(0.75 * (1 - 1e-9), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void sumAlone_isMeasuredDirectly_whenLowerIsZero() {
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(List.of(new BoundedSum("v", 0, 100)), false, NoiseKind.LAPLACE, 1));
    assertThat(plan.measurements())
        .extracting(PlannedMeasurement::quantity)
        .containsExactly(Quantity.sum("v", 0, 100));
  }

  @Test
  void symmetricBounds_centredSumNeedsNoCount() {
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(
                List.of(new BoundedSum("v", -50, 50), new BoundedMean("v", -50, 50)),
                false,
                NoiseKind.LAPLACE,
                1));
    assertThat(plan.derivations().get(0).name()).isEqualTo("centred");
    assertThat(plan.measurements())
        .extracting(PlannedMeasurement::quantity)
        .containsExactlyInAnyOrder(Quantity.ROWS, Quantity.centredSum("v", -50, 50));
  }

  @Test
  void gaussianPlan_staysWithinEpsilonDelta() {
    for (long l0 : new long[] {1, 5, 100}) {
      AggregationPlan plan =
          AggregationPlanner.plan(request(BENCHMARK, true, NoiseKind.GAUSSIAN, l0));
      RdpAccountant acc = new RdpAccountant(OrderGrid.defaults());
      acc.compose(plan.event());
      assertThat(acc.epsilon(1e-6).epsilon()).isLessThanOrEqualTo(1.0);
    }
  }

  @Test
  void auto_picksLaplaceForSmallL0_andGaussianForLargeL0() {
    List<Statistic> count = List.of(new BoundedCount());
    assertThat(AggregationPlanner.plan(request(count, false, NoiseKind.AUTO, 1)).noise())
        .isEqualTo(NoiseKind.LAPLACE);
    assertThat(AggregationPlanner.plan(request(count, false, NoiseKind.AUTO, 1000)).noise())
        .isEqualTo(NoiseKind.GAUSSIAN);
  }

  @Test
  void auto_withoutDelta_isLaplace() {
    AggregationRequest r =
        new AggregationRequest(
            List.of(new BoundedCount()),
            List.of(1.0),
            false,
            1,
            1,
            1000,
            1.0,
            0.0,
            NoiseKind.AUTO,
            null,
            AggregationPlannerTest::unitBound);
    assertThat(AggregationPlanner.plan(r).noise()).isEqualTo(NoiseKind.LAPLACE);
  }

  @Test
  void weights_buyAccuracy() {
    List<Statistic> stats = List.of(new BoundedCount(), new BoundedSum("v", 0, 100));
    AggregationPlan even = AggregationPlanner.plan(request(stats, false, NoiseKind.LAPLACE, 1));
    AggregationPlan sumFirst =
        AggregationPlanner.plan(
            new AggregationRequest(
                stats,
                List.of(1.0, 10.0),
                false,
                1,
                1,
                1,
                1.0,
                1e-6,
                NoiseKind.LAPLACE,
                null,
                AggregationPlannerTest::unitBound));
    assertThat(sumFirst.accuracy(100).statistics().get(1).noiseStd())
        .isLessThan(even.accuracy(100).statistics().get(1).noiseStd());
  }

  @Test
  void boundsNearTheDoubleRange_planFiniteNoise() {
    for (NoiseKind kind : new NoiseKind[] {NoiseKind.LAPLACE, NoiseKind.GAUSSIAN}) {
      // Laplace: k·w² = 1e301, near the top of the double range. Gaussian: the accountant squares
      // the L2 sensitivity, so its range ends near √MAX.
      double big = kind == NoiseKind.LAPLACE ? 1e150 : 1e75;
      List<Statistic> stats =
          List.of(
              new BoundedCount(),
              new BoundedSum("v", -big, big),
              new BoundedMean("v", -big, big),
              new BoundedVariance("v", -big, big, false));
      AggregationPlan plan = AggregationPlanner.plan(request(stats, true, kind, 3));
      for (PlannedMeasurement m : plan.measurements()) {
        assertThat(kind == NoiseKind.LAPLACE ? m.epsilon() : m.sigma()).isFinite().isPositive();
      }
    }
  }

  @Test
  void boundsWhoseSquaresOverflow_areRefusedBeforeAnything() {
    double big = Double.MAX_VALUE / 4;
    assertThatThrownBy(
            () ->
                AggregationPlanner.plan(
                    request(
                        List.of(new BoundedVariance("v", -big, big, false)),
                        false,
                        NoiseKind.LAPLACE,
                        1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[v,")
        .hasMessageContaining("too wide");
  }

  @Test
  void badRequests_nameTheParameter() {
    assertThatThrownBy(
            () ->
                new AggregationRequest(
                    List.of(),
                    List.of(),
                    false,
                    1,
                    1,
                    1,
                    1,
                    0,
                    NoiseKind.LAPLACE,
                    null,
                    AggregationPlannerTest::unitBound))
        .hasMessageContaining("at least one statistic");
    assertThatThrownBy(
            () ->
                new AggregationRequest(
                    List.of(new BoundedCount()),
                    List.of(1.0),
                    false,
                    1,
                    1,
                    1,
                    0,
                    0,
                    NoiseKind.LAPLACE,
                    null,
                    AggregationPlannerTest::unitBound))
        .hasMessageContaining("epsilon");
    assertThatThrownBy(
            () ->
                new AggregationRequest(
                    List.of(new BoundedCount()),
                    List.of(1.0),
                    false,
                    1,
                    1,
                    1,
                    1,
                    0,
                    NoiseKind.GAUSSIAN,
                    null,
                    AggregationPlannerTest::unitBound))
        .hasMessageContaining("delta");
  }

  @Test
  void centering_ofTheTestBounds() {
    assertThat(Centering.of(0, 100).bound()).isEqualTo(50);
  }

  @Test
  void plan_isSerializable_andRebuildsTheSameCost() throws Exception {
    AggregationPlan plan =
        AggregationPlanner.plan(request(BENCHMARK, true, NoiseKind.GAUSSIAN, L0));
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(plan);
    }
    try (var in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      AggregationPlan copy = (AggregationPlan) in.readObject();
      assertThat(copy.event()).isEqualTo(plan.event());
      assertThat(copy.measurements()).isEqualTo(plan.measurements());
    }
  }

  @Test
  void quantilesAccuracy_narrowsWithTheGroupSize() {
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(
                List.of(new Quantiles("v", 0, 100, new double[] {0.1, 0.5, 0.9})),
                false,
                NoiseKind.LAPLACE,
                1));
    double small = plan.accuracy(100).statistics().get(0).halfWidth95();
    double large = plan.accuracy(1_000_000).statistics().get(0).halfWidth95();
    assertThat(small).isLessThanOrEqualTo(50);
    assertThat(large).isLessThan(small).isGreaterThan(0);
  }
}
