package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.Secret;

class QuantileTreeTest {

  private static QuantileTree.Builder tree() {
    return QuantileTree.builder().lower(0).upper(100).laplace(1);
  }

  private static LongFunction<NoiseSource> sources(int seed) {
    byte[] bytes = new byte[Secret.LENGTH];
    new Random(seed).nextBytes(bytes);
    Secret secret = Secret.fromBytes(bytes);
    return node -> KeyedStreamSource.forCell(secret, "quantiles|group|" + node);
  }

  private static final LongFunction<NoiseSource> NO_DRAW =
      node -> {
        throw new AssertionError("noise drawn");
      };

  private static Map<Long, Long> leafCounts(QuantileTree t, double[] values) {
    Map<Long, Long> counts = new HashMap<>();
    for (double v : values) {
      counts.merge(t.leafOf(v), 1L, Long::sum);
    }
    return counts;
  }

  /** The ⌈rN⌉-th smallest clamped value (the smallest for r = 0). */
  static double exactQuantile(double[] sorted, double rank) {
    int k = (int) Math.max(1, Math.ceil(rank * sorted.length));
    return sorted[k - 1];
  }

  // --- sensitivity and event --------------------------------------------------------------------

  @Test
  void l1Sensitivity_isHeightTimesL0TimesK() {
    assertThat(QuantileTree.l1Sensitivity(4, 5, 10)).isEqualTo(200.0);
    assertThat(QuantileTree.l1Sensitivity(3, 1, 1)).isEqualTo(3.0);
  }

  @Test
  void l2Sensitivity_perfectSquare_isExact() {
    assertThat(QuantileTree.l2Sensitivity(4, 1, 1)).isEqualTo(2.0);
    assertThat(QuantileTree.l2Sensitivity(4, 4, 3)).isEqualTo(12.0);
  }

  @Test
  void l2Sensitivity_irrational_isTheSmallestDoubleAtOrAboveSqrtOfHL0TimesK() {
    double s = QuantileTree.l2Sensitivity(4, 5, 10); // √20·10 = √2000
    BigDecimal target = BigDecimal.valueOf(2000);
    assertThat(new BigDecimal(s).pow(2)).isGreaterThanOrEqualTo(target);
    assertThat(new BigDecimal(Math.nextDown(Math.nextDown(s))).pow(2)).isLessThan(target);
  }

  @Test
  void event_laplace_isTheMechanismsForL1HL0KAndHL0KCoordinates() {
    QuantileTree t =
        tree()
            .height(4)
            .maxPartitionsContributed(5)
            .maxContributionsPerPartition(10)
            .laplace(0.25)
            .build();
    LaplaceMechanism expected =
        LaplaceMechanism.builder()
            .epsilon(0.25)
            .l1Sensitivity(200)
            .maxCoordinatesContributed(200)
            .build();
    assertThat(t.maxCoordinatesContributed()).isEqualTo(200);
    assertThat(t.event()).isEqualTo(expected.event());
    assertThat(t.event().pureEpsilon()).isLessThanOrEqualTo(0.25);
  }

  @Test
  void event_gaussian_isTheMechanismsForL2SqrtHL0TimesK() {
    QuantileTree t =
        tree()
            .height(4)
            .maxPartitionsContributed(4)
            .maxContributionsPerPartition(3)
            .gaussian(1, 1e-6)
            .build();
    GaussianMechanism expected =
        GaussianMechanism.builder()
            .epsilon(1)
            .delta(1e-6)
            .l2Sensitivity(12)
            .maxCoordinatesContributed(48)
            .build();
    assertThat(t.event()).isEqualTo(expected.event());
  }

  @Test
  void event_gaussianSigma_isTheMechanismsAtThatSigma() {
    QuantileTree t =
        tree()
            .height(2)
            .maxPartitionsContributed(8)
            .maxContributionsPerPartition(5)
            .gaussianSigma(30)
            .build();
    GaussianMechanism expected =
        GaussianMechanism.builder()
            .sigma(30)
            .l2Sensitivity(20)
            .maxCoordinatesContributed(80)
            .build();
    assertThat(t.event()).isEqualTo(expected.event());
  }

  // --- parameters -------------------------------------------------------------------------------

  @Test
  void build_boundsReversed_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> QuantileTree.builder().lower(1).upper(0).laplace(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lower and upper must be finite with lower < upper");
  }

  @Test
  void build_boundNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> QuantileTree.builder().lower(Double.NaN).upper(1).laplace(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lower and upper must be finite");
  }

  @Test
  void build_branchingFactorOne_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> tree().branchingFactor(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("branchingFactor must be in [2, 65536]; got 1");
  }

  @Test
  void build_heightZero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> tree().height(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("height must be in [1, 40]; got 0");
  }

  @Test
  void build_tooManyLeaves_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> tree().branchingFactor(1024).height(5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("branchingFactor^height must be at most 2^40; got 1024^5");
  }

  @Test
  void build_noNoise_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> QuantileTree.builder().lower(0).upper(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "noise must be set with laplace(epsilon), gaussian(epsilon, delta) or"
                + " gaussianSigma(sigma)");
  }

  @Test
  void build_alphaOne_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> tree().alpha(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha must be in [0.0, 1.0); got 1.0");
  }

  @Test
  void quantiles_alphaZero_keepsASparseTailThatGooglesAlphaDrops() {
    // 9,960 values at 10 and 40 at 95: the tail is 0.4% of the total, below Google's 0.5%.
    QuantileTree.Builder b =
        QuantileTree.builder().lower(0).upper(100).branchingFactor(16).height(2).laplace(4096);
    Map<Long, Long> counts = new HashMap<>();
    QuantileTree google = b.build();
    counts.put(google.leafOf(10), 9_960L);
    counts.put(google.leafOf(95), 40L);
    // Rank 0.997: the 9,970th value is 95. With alpha, the tail is dropped and the answer stays
    // near 10.
    double withAlpha = google.quantiles(counts, new double[] {0.997}, sources(3)).values()[0];
    double withoutAlpha =
        b.alpha(0).build().quantiles(counts, new double[] {0.997}, sources(3)).values()[0];
    assertThat(withAlpha).isLessThan(11.0);
    assertThat(withoutAlpha).isGreaterThan(93.0);
  }

  @Test
  void build_l0Zero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> tree().maxPartitionsContributed(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxPartitionsContributed");
  }

  @Test
  void build_epsilonZero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> tree().laplace(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("epsilon");
  }

  // --- leaves and refused inputs ----------------------------------------------------------------

  @Test
  void leafOf_nan_throwsIllegalArgumentException() {
    QuantileTree t = tree().build();
    assertThatThrownBy(() -> t.leafOf(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value must not be NaN");
  }

  @Test
  void leafOf_clampsToTheFirstAndLastLeaf() {
    QuantileTree t = tree().build();
    assertThat(t.leafOf(Double.NEGATIVE_INFINITY)).isZero();
    assertThat(t.leafOf(-5)).isZero();
    assertThat(t.leafOf(100)).isEqualTo(t.leaves() - 1);
    assertThat(t.leafOf(1e300)).isEqualTo(t.leaves() - 1);
  }

  @Test
  void leafOf_agreesWithTheEdges() {
    QuantileTree t = tree().branchingFactor(10).height(3).lower(-0.3).upper(0.7).build();
    for (long j = 0; j < t.leaves(); j++) {
      assertThat(t.leafOf(t.edge(j))).isEqualTo(j);
      assertThat(t.leafOf(Math.nextDown(t.edge(j + 1)))).isEqualTo(j);
    }
  }

  @Test
  void quantiles_rankNaN_throwsBeforeAnyNoise() {
    QuantileTree t = tree().build();
    assertThatThrownBy(() -> t.quantiles(Map.of(1L, 3L), new double[] {Double.NaN}, NO_DRAW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every rank must be in [0.0, 1.0]; got NaN");
  }

  @Test
  void quantiles_negativeCount_throwsWithoutTheValueBeforeAnyNoise() {
    QuantileTree t = tree().build();
    assertThatThrownBy(() -> t.quantiles(Map.of(7L, -12345L), new double[] {0.5}, NO_DRAW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every leaf count must be >= 0");
  }

  @Test
  void quantiles_leafOutOfRange_throwsWithoutTheValueBeforeAnyNoise() {
    QuantileTree t = tree().build();
    assertThatThrownBy(() -> t.quantiles(Map.of(65536L, 1L), new double[] {0.5}, NO_DRAW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every leaf index must be in [0, 65536)");
  }

  // --- values -----------------------------------------------------------------------------------

  @Test
  void quantiles_tinyNoise_descendsToTheExactQuantile() {
    // One value in each leaf of a binary tree of height 3 over [0, 8]: the median (4th value, 3.5)
    // lies in leaf 3, whose right edge 4 the descent reaches with remaining rank 1.
    QuantileTree t =
        QuantileTree.builder().lower(0).upper(8).branchingFactor(2).height(3).laplace(4096).build();
    Map<Long, Long> counts = new HashMap<>();
    for (long j = 0; j < 8; j++) {
      counts.put(j, 1L);
    }
    QuantileEstimate r = t.quantiles(counts, new double[] {0.25, 0.5, 1}, sources(1));
    assertThat(r.values()[0]).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.values()[1]).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.values()[2]).isCloseTo(8.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void quantiles_sameSources_giveTheSameNoisyTreeWhateverTheRanksAsked() {
    QuantileTree t = tree().branchingFactor(8).height(3).build();
    Map<Long, Long> counts = leafCounts(t, new double[] {3, 14, 15, 92, 65, 35, 89, 79, 32, 38});
    QuantileEstimate one = t.quantiles(counts, new double[] {0.5}, sources(7));
    QuantileEstimate three = t.quantiles(counts, new double[] {0.9, 0.1, 0.5}, sources(7));
    assertThat(three.values()[2]).isEqualTo(one.values()[0]);
    assertThat(three.ciLow()[2]).isEqualTo(one.ciLow()[0]);
    assertThat(three.ciHigh()[2]).isEqualTo(one.ciHigh()[0]);
  }

  @Test
  void quantiles_emptyGroup_staysInBoundsWithIntervalsContainingTheValues() {
    QuantileTree t = tree().build();
    for (int seed = 0; seed < 50; seed++) {
      QuantileEstimate r = t.quantiles(Map.of(), new double[] {0, 0.5, 1}, sources(seed));
      for (int i = 0; i < 3; i++) {
        assertThat(r.values()[i]).isBetween(0.0, 100.0);
        assertThat(r.ciLow()[i]).isBetween(0.0, r.values()[i]);
        assertThat(r.ciHigh()[i]).isBetween(r.values()[i], 100.0);
        assertThat(r.noiseStd()[i]).isBetween(0.0, 100 / (2 * 1.959963984540054));
      }
    }
  }

  @Test
  void quantiles_allValuesAtTheUpperBound_intervalsContainIt() {
    QuantileTree t = tree().build();
    Map<Long, Long> counts = Map.of(t.leafOf(100), 1000L);
    for (int seed = 0; seed < 20; seed++) {
      QuantileEstimate r = t.quantiles(counts, new double[] {0.1, 0.5, 0.9}, sources(seed));
      for (int i = 0; i < 3; i++) {
        assertThat(r.values()[i]).isGreaterThan(99.0);
        assertThat(r.ciHigh()[i]).isEqualTo(100.0);
      }
    }
  }

  @Test
  void quantiles_allValuesAtTheLowerBound_intervalsContainIt() {
    QuantileTree t = tree().build();
    Map<Long, Long> counts = Map.of(t.leafOf(-7), 1000L);
    for (int seed = 0; seed < 20; seed++) {
      QuantileEstimate r = t.quantiles(counts, new double[] {0.1, 0.5, 0.9}, sources(seed));
      for (int i = 0; i < 3; i++) {
        assertThat(r.values()[i]).isLessThan(1.0);
        assertThat(r.ciLow()[i]).isEqualTo(0.0);
      }
    }
  }

  // --- coverage ---------------------------------------------------------------------------------

  /**
   * P(X ≥ c) for X ~ Binomial(n, p): a miss count of an interval of coverage ≥ 1 − p is dominated
   * by it, so asserting fewer than c misses fails falsely with at most this probability.
   */
  static double binomialTail(int n, double p, int c) {
    double pmf = Math.pow(1 - p, n);
    double below = 0;
    for (int k = 0; k < c; k++) {
      below += pmf;
      pmf *= (double) (n - k) / (k + 1) * p / (1 - p);
    }
    return Math.max(0, 1 - below);
  }

  @Test
  void binomialTail_knownValue() {
    // P(Bin(2, 0.5) ≥ 1) = 3/4.
    assertThat(binomialTail(2, 0.5, 1)).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-12));
  }

  private static void assertCoverage(
      QuantileTree t, double[] values, double[] ranks, int releases) {
    double[] clamped =
        Arrays.stream(values).map(v -> Math.max(0, Math.min(100, v))).sorted().toArray();
    Map<Long, Long> counts = leafCounts(t, values);
    int[] misses = new int[ranks.length];
    for (int seed = 0; seed < releases; seed++) {
      QuantileEstimate r = t.quantiles(counts, ranks, sources(1000 + seed));
      for (int i = 0; i < ranks.length; i++) {
        double q = exactQuantile(clamped, ranks[i]);
        if (q < r.ciLow()[i] || q > r.ciHigh()[i]) {
          misses[i]++;
        }
      }
    }
    // With 400 releases, P(Bin(400, 0.05) ≥ 45) < 1e-6 per rank: the false-failure probability of
    // each assertion below.
    int limit = 45;
    assertThat(binomialTail(releases, 0.05, limit)).isLessThan(1e-6);
    for (int i = 0; i < ranks.length; i++) {
      assertThat(misses[i]).as("misses at rank " + ranks[i]).isLessThan(limit);
    }
  }

  @Test
  void quantiles_laplace_intervalsCoverAtLeast95Percent() {
    Random random = new Random(14);
    double[] values = new double[300];
    for (int i = 0; i < values.length; i++) {
      values[i] = 20 + 30 * random.nextGaussian(); // some fall outside [0, 100] and are clamped
    }
    QuantileTree t = tree().branchingFactor(16).height(2).laplace(0.5).build();
    assertCoverage(t, values, new double[] {0, 0.1, 0.5, 0.9, 1}, 400);
  }

  @Test
  void quantiles_gaussian_intervalsCoverAtLeast95Percent() {
    Random random = new Random(15);
    double[] values = new double[200];
    for (int i = 0; i < values.length; i++) {
      values[i] = 100 * random.nextDouble();
    }
    QuantileTree t =
        tree()
            .branchingFactor(4)
            .height(4)
            .maxPartitionsContributed(3)
            .maxContributionsPerPartition(2)
            .gaussian(1, 1e-6)
            .build();
    assertCoverage(t, values, new double[] {0.25, 0.5, 0.75}, 400);
  }
}
