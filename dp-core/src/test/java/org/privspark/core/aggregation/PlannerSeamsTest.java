package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seams of the aggregation planner found by the hostile review of issue 14; each test failed on
 * the reviewed snapshot (cfbe761). All exact.
 */
class PlannerSeamsTest {
  static AggregationRequest request(
      List<Statistic> s,
      List<Double> w,
      boolean privateGroups,
      double selectionWeight,
      NoiseKind noise) {
    return new AggregationRequest(
        s,
        w,
        privateGroups,
        selectionWeight,
        1,
        5,
        1.0,
        1e-6,
        noise,
        null,
        AggregationPlannerTest::unitBound);
  }

  /**
   * BoundedVariance.java:172: sq(2·m1)·sq(std_S) is 0·∞ = NaN at the reference group (m1 = 0) once
   * std_S² overflows, although std_S (~1e154) is finite: explain() predicts NaN.
   */
  @Test
  void explain_ofAVarianceWithWideFiniteBounds_isFinite() {
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(
                List.of(new BoundedVariance("v", -1e153, 1e153, false)),
                List.of(1.0),
                false,
                1,
                NoiseKind.LAPLACE));
    assertThat(plan.accuracy(1000).statistics().get(0).noiseStd()).isNotNaN();
  }

  /**
   * BoundedMean.java:106: sq(std_S) overflows for std_S ≈ 1.4e294 (bounds [1e300, 1.0000001e300], w
   * = 5e292), so the predicted and the released noise std are +∞, while the interval is ±2.9e291.
   */
  @Test
  void meanNoiseStd_doesNotOverflow_whenItsSquareWould() {
    AggregationPlan plan =
        AggregationPlanner.plan(
            request(
                List.of(new BoundedMean("v", 1e300, 1.0000001e300)),
                List.of(1.0),
                false,
                1,
                NoiseKind.LAPLACE));
    QueryAccuracy.StatisticAccuracy a = plan.accuracy(1000).statistics().get(0);
    assertThat(a.halfWidth95()).isFinite();
    assertThat(a.noiseStd()).isFinite();
  }

  /**
   * Quantiles.java:378 (and PrivateAggregation.quantiles): (upper − lower)·0 = ∞·0 = NaN for bounds
   * whose width overflows; the histogram's edges are [NaN, ∞, …, ∞, upper].
   */
  @Test
  void quantileEdges_areFiniteForFiniteBounds_orTheStatisticIsRefused() {
    try {
      double[] edges = new Quantiles("v", -1e308, 1e308, new double[] {0.5}).edges();
      for (double e : edges) {
        assertThat(e).isFinite();
      }
    } catch (IllegalArgumentException refused) {
      // acceptable: refused with the parameter named
    }
  }

  /**
   * AggregationPlanner.java:70-75: AUTO plans both kinds; an infeasible Gaussian plan (ε = 0.01, δ
   * = 1e-10: the selection's σ/Δ leaves the mechanism's range) throws, though Laplace plans.
   */
  @Test
  void auto_fallsBackToLaplace_whenGaussianCannotBePlanned() {
    AggregationRequest laplace =
        new AggregationRequest(
            AggregationPlannerTest.BENCHMARK,
            List.of(1.0, 1.0, 1.0),
            true,
            1,
            1,
            5,
            0.01,
            1e-10,
            NoiseKind.LAPLACE,
            null,
            AggregationPlannerTest::unitBound);
    AggregationPlanner.plan(laplace).event();
    AggregationRequest auto =
        new AggregationRequest(
            AggregationPlannerTest.BENCHMARK,
            List.of(1.0, 1.0, 1.0),
            true,
            1,
            1,
            5,
            0.01,
            1e-10,
            NoiseKind.AUTO,
            null,
            AggregationPlannerTest::unitBound);
    assertThat(AggregationPlanner.plan(auto).noise()).isEqualTo(NoiseKind.LAPLACE);
  }

  /**
   * AggregationRequest.java:246-247 checks each weight, not their sum nor ratios: weights 1e308
   * (finite, > 0) overflow Σw and plan ε = NaN; the refusal names "epsilon", not the weights.
   */
  @Test
  void weightsWhoseSumOverflows_areRefusedNamingTheWeights() {
    assertThatThrownBy(
            () ->
                AggregationPlanner.plan(
                        request(
                            AggregationPlannerTest.BENCHMARK,
                            List.of(1e308, 1e308, 1e308),
                            false,
                            1,
                            NoiseKind.LAPLACE))
                    .event())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight");
    assertThatThrownBy(
            () ->
                AggregationPlanner.plan(
                        request(
                            AggregationPlannerTest.BENCHMARK,
                            List.of(1.0, 1.0, 1.0),
                            true,
                            Double.MIN_VALUE,
                            NoiseKind.LAPLACE))
                    .event())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selectionWeight");
  }

  /**
   * Histogram.java:333 and Quantiles.java:361 validate nothing, and AggregationRequest does not
   * either: dp-core plans (and prices) a histogram with decreasing edges and quantiles with rank 2
   * or lower > upper; dp-spark checks these, but dp-core's HistogramQuantiles would then refuse the
   * noisy vector after the charge. The statistics should refuse them when built.
   */
  @Test
  void dpCoreStatistics_refuseBadParametersWhenBuilt() {
    assertThatThrownBy(() -> new Histogram("v", new double[] {1, 0}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Quantiles("v", 0, 1, new double[] {2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Quantiles("v", 1, 0, new double[] {0.5}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
