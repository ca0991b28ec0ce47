package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.mechanism.DiscreteLaplaceNoise;
import org.privspark.core.mechanism.NoisyVector;

/**
 * Review of issue 15: the quantiles' value-unit {@code _noise_std} (HistogramQuantiles.valueStd).
 * The formula weighs the whole of the quantile's bin k with 1 − r and only the B − k − 1 bins above
 * it with −r, so at rank 1 with the top bin non-empty it is exactly 0, although every bin is noisy
 * (the top bin's noisy count flips sign and moves the maximum by a whole bin), and it is not
 * mirror-symmetric: rank r of a histogram and rank 1 − r of its mirror image get different stds.
 */
class HistogramQuantilesStdReviewTest {
  private static final double[] EDGES = {0, 1, 2, 3, 4};

  /** Scale 2 on a grid of 1: σ_bin ≈ 2.8, as large as the top bin's count below. */
  private static final DiscreteLaplaceNoise NOISE = new DiscreteLaplaceNoise(2, 1);

  private static NoisyVector bins(double... counts) {
    return new NoisyVector(counts, new DiscreteLaplaceEvent(1, 1), NOISE);
  }

  @Test
  void rankOne_noisyTopBin_noiseStdIsNotZero() {
    // Noisy counts 20, 20, 20, 1: the maximum is 4 while the top bin's noisy count stays > 0, and 3
    // once its noise (σ ≈ 2.8) takes it to ≤ 0. A release that says "noise std 0" says it is exact.
    QuantileEstimate r = HistogramQuantiles.of(bins(20, 20, 20, 1), EDGES, new double[] {1});
    assertThat(r.noiseStd()[0])
        .as("rank 1's _noise_std, σ_bin = " + NOISE.standardDeviation())
        .isPositive();
  }

  @Test
  void explain_maximumOfAges_predictsANonZeroNoiseStd() {
    // --explain / PrivateAggregation.explain for quantiles:age:17:90:1 at ε = 1: the reference
    // group
    // fills every bin, so the predicted std is exactly 0 next to a non-zero 95% half-width.
    AggregationPlan plan =
        AggregationPlanner.plan(
            PlannerSeamsTest.request(
                java.util.List.of(new Quantiles("age", 17, 90, new double[] {1})),
                java.util.List.of(1.0),
                false,
                1,
                NoiseKind.LAPLACE));
    QueryAccuracy.StatisticAccuracy a = plan.accuracy(1000).statistics().get(0);
    assertThat(a.noiseStd()).as("predicted std; 95% half-width " + a.halfWidth95()).isPositive();
  }

  @Test
  void mirroredHistogram_rankRAndOneMinusR_haveTheSameStd() {
    // Values v ↦ 4 − v: the quantile at rank r of one is 4 minus the quantile at 1 − r of the
    // other,
    // with the same noise, so its std must be the same.
    double[] counts = {20, 20, 20, 1};
    double[] mirrored = {1, 20, 20, 20};
    double[] ranks = {0, 0.1, 0.9, 1};
    double[] oneMinus = {1, 0.9, 0.1, 0};
    QuantileEstimate a = HistogramQuantiles.of(bins(counts), EDGES, ranks);
    QuantileEstimate b = HistogramQuantiles.of(bins(mirrored), EDGES, oneMinus);
    for (int i = 0; i < ranks.length; i++) {
      assertThat(a.values()[i]).isCloseTo(4 - b.values()[i], within(1e-12));
      assertThat(a.noiseStd()[i])
          .as("std at rank " + ranks[i] + " vs its mirror at " + oneMinus[i])
          .isCloseTo(b.noiseStd()[i], within(1e-12));
    }
  }
}
