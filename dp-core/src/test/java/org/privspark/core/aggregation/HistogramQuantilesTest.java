package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.mechanism.DiscreteLaplaceNoise;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * The port of dp-spark's {@code NoiseStage.quantiles}: hand-computed cases of its formulas (value
 * by interpolation over the counts with negatives read as 0; interval from the raw sums ± j·h; std
 * the CDF's error over the local density, in value units).
 */
class HistogramQuantilesTest {
  private static final double[] EDGES = {0, 1, 2, 3, 4};

  /** Noise of scale 1 grid unit on a grid of 2^-10: h at 1 − 0.05/4 is 5·2^-10 (checked below). */
  private static final DiscreteLaplaceNoise FINE = new DiscreteLaplaceNoise(1, 0x1p-10);

  /** Noise of scale 2^20 units on a grid of 1: h is far larger than any count here. */
  private static final DiscreteLaplaceNoise COARSE = new DiscreteLaplaceNoise(1L << 20, 1);

  private static NoisyVector bins(DiscreteLaplaceNoise noise, double... counts) {
    return new NoisyVector(counts, new DiscreteLaplaceEvent(1, 1), noise);
  }

  @Test
  void fineNoise_halfWidthIsFiveGridUnits() {
    // P(|Y| > m) = 2e^{-(m+1)}/(1 + e^{-1}) for scale 1: 0.0134 at m = 3, 0.0049 at m = 4.
    assertThat(FINE.halfWidth(1 - 0.05 / 4)).isEqualTo(5 * 0x1p-10);
  }

  @Test
  void of_median_interpolatesInTheBinReachingHalfTheClampedTotal() {
    // Clamped cumulative counts 0, 2, 2, 6, 6: half of 6 is 3, reached in bin 3 (2 → 6): 2 + 1/4.
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), EDGES, new double[] {0.5});
    assertThat(r.values()).containsExactly(2.25);
  }

  @Test
  void of_median_intervalFromRawSumsPlusMinusJh() {
    // h = 5/1024; raw sums 0, 2, 1, 5, 5; N_low = 5 − 4h, N_high = 5 + 4h.
    // Lower: last j with raw_j + j·h < 0.5·N_low ≈ 2.49 is j = 2 (1.0098); j = 3 gives 5.015.
    // Upper: first j with raw_j − j·h ≥ 0.5·N_high ≈ 2.51 is j = 3 (4.985); j = 2 gives 0.990.
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), EDGES, new double[] {0.5});
    assertThat(r.ciLow()).containsExactly(2.0);
    assertThat(r.ciHigh()).containsExactly(3.0);
  }

  @Test
  void of_ranksZeroAndOne_giveTheEdgesOfTheNonEmptyBins() {
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), EDGES, new double[] {0, 1});
    assertThat(r.values()).containsExactly(0.0, 3.0);
  }

  @Test
  void of_noiseStd_isTheCdfErrorOverTheLocalDensity() {
    // The median is in bin k = 2 ([2, 3], clamped count 4: density 4 per unit), a quarter of the
    // way in (f = (3 − 2) / 4). The k = 2 bins below weigh r − 1 = −0.5, the B − k − 1 = 1 above
    // r = 0.5, and bin k itself r − f = 0.25: √(0.25·2 + 0.25·1 + 0.0625) = √13 / 4, so std =
    // σ_bin·√13 / 16. The sign term is nil: a count of 4 is thousands of σ_bin from 0.
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), EDGES, new double[] {0.5});
    assertThat(r.noiseStd()[0])
        .isCloseTo(FINE.standardDeviation() * Math.sqrt(13) / 16, within(1e-15));
  }

  @Test
  void of_noiseStd_scalesWithTheValuesNotTheCounts() {
    // The same counts over edges ten times as wide: the std is ten times larger (years, not
    // people).
    double[] wide = {0, 10, 20, 30, 40};
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), wide, new double[] {0.5});
    assertThat(r.noiseStd()[0])
        .isCloseTo(10 * FINE.standardDeviation() * Math.sqrt(13) / 16, within(1e-12));
  }

  @Test
  void of_coarseNoise_noiseStdIsCappedAtHalfTheRange() {
    QuantileEstimate r =
        HistogramQuantiles.of(bins(COARSE, 2, -1, 4, 0), EDGES, new double[] {0.5});
    assertThat(r.noiseStd()).containsExactly(2.0);
  }

  @Test
  void of_allCountsNonPositive_noiseStdIsHalfTheRange() {
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, -3, 0, -1, 0), EDGES, new double[] {0.5});
    assertThat(r.noiseStd()).containsExactly(2.0);
  }

  @Test
  void of_allCountsNonPositive_givesTheMidpoint() {
    QuantileEstimate r =
        HistogramQuantiles.of(bins(FINE, -3, 0, -1, 0), EDGES, new double[] {0.1, 0.9});
    assertThat(r.values()).containsExactly(2.0, 2.0);
  }

  @Test
  void of_coarseNoise_intervalIsTheWholeRange() {
    QuantileEstimate r =
        HistogramQuantiles.of(bins(COARSE, 2, -1, 4, 0), EDGES, new double[] {0.5});
    assertThat(r.ciLow()).containsExactly(0.0);
    assertThat(r.ciHigh()).containsExactly(4.0);
  }

  @Test
  void of_oneFullBin_intervalIsThatBin() {
    // Counts 100, 0, 0, 0 with h = 5/1024: value 0.5; raw_1 − h ≥ 0.5·N_high, raw_1 + h ≥
    // 0.5·N_low.
    QuantileEstimate r = HistogramQuantiles.of(bins(FINE, 100, 0, 0, 0), EDGES, new double[] {0.5});
    assertThat(r.values()).containsExactly(0.5);
    assertThat(r.ciLow()).containsExactly(0.0);
    assertThat(r.ciHigh()).containsExactly(1.0);
  }

  @Test
  void of_edgesOfWrongLength_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> HistogramQuantiles.of(bins(FINE, 1, 2), EDGES, new double[] {0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edges must hold one more entry than bins (3); got 5");
  }

  @Test
  void of_rankAboveOne_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), EDGES, new double[] {1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every rank must be in [0.0, 1.0]; got 1.5");
  }

  @Test
  void of_rankNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> HistogramQuantiles.of(bins(FINE, 2, -1, 4, 0), EDGES, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every rank must be in [0.0, 1.0]; got NaN");
  }

  @Test
  void of_decreasingEdges_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                HistogramQuantiles.of(bins(FINE, 1, 2), new double[] {0, 2, 1}, new double[] {0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edges must be finite and non-decreasing; entry 2 is 1.0");
  }

  @Test
  void of_laplaceHistogram_intervalsCoverAtLeast95Percent() {
    Random random = new Random(64);
    double[] values = new double[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.max(0, Math.min(100, 30 + 15 * random.nextGaussian()));
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] edges = new double[65];
    for (int j = 0; j <= 64; j++) {
      edges[j] = 100.0 * j / 64;
    }
    BigInteger[] counts = new BigInteger[64];
    Arrays.fill(counts, BigInteger.ZERO);
    for (double v : values) {
      int bin = Math.min(63, (int) Math.floor(v / 100 * 64));
      counts[bin] = counts[bin].add(BigInteger.ONE);
    }
    LaplaceMechanism mechanism =
        LaplaceMechanism.builder()
            .epsilon(0.5)
            .l1Sensitivity(1)
            .maxCoordinatesContributed(64)
            .build();
    double[] ranks = {0, 0.1, 0.5, 0.9, 1};
    int releases = 400;
    int[] misses = new int[ranks.length];
    for (int s = 0; s < releases; s++) {
      byte[] bytes = new byte[Secret.LENGTH];
      new Random(s).nextBytes(bytes);
      NoisyVector noisy =
          mechanism.releaseFixedPoint(
              counts, 0, KeyedStreamSource.forCell(Secret.fromBytes(bytes), "histogram"));
      QuantileEstimate r = HistogramQuantiles.of(noisy, edges, ranks);
      for (int i = 0; i < ranks.length; i++) {
        double q = QuantileTreeTest.exactQuantile(sorted, ranks[i]);
        if (q < r.ciLow()[i] || q > r.ciHigh()[i]) {
          misses[i]++;
        }
      }
    }
    // P(Bin(400, 0.05) >= 45) < 1e-6: the false-failure probability of each assertion.
    assertThat(QuantileTreeTest.binomialTail(releases, 0.05, 45)).isLessThan(1e-6);
    for (int i = 0; i < ranks.length; i++) {
      assertThat(misses[i]).as("misses at rank " + ranks[i]).isLessThan(45);
    }
  }
}
