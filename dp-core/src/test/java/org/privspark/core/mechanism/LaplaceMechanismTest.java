package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.NoiseStats;
import org.privspark.core.noise.Secret;
import org.privspark.core.noise.SecureRandomSource;

class LaplaceMechanismTest {
  private static final LaplaceMechanism UNIT =
      LaplaceMechanism.builder().epsilon(1).l1Sensitivity(1).build();

  @Test
  void build_unitEpsilonAndSensitivity_hasExactDyadicParameters() {
    assertThat(UNIT.granularity()).isEqualTo(0x1p-40);
    assertThat(UNIT.event()).isEqualTo(new DiscreteLaplaceEvent(0x1p40, 0x1p40));
    assertThat(UNIT.event().pureEpsilon()).isEqualTo(1.0);
  }

  @Test
  void release_variousValues_liesExactlyOnGrid() {
    NoiseSource source = SecureRandomSource.create();
    LaplaceMechanism m = LaplaceMechanism.builder().epsilon(0.3).l1Sensitivity(7.25).build();
    double g = m.granularity();
    for (double value : new double[] {0, 0.1, -123.456, 1e6, Math.PI, 1e-300}) {
      for (int i = 0; i < 100; i++) {
        double units = m.release(value, source).value() / g;
        assertThat(units).isEqualTo(Math.rint(units));
      }
    }
  }

  @Test
  void release_valuesRoundingToSameGridPoint_giveIdenticalOutputWithSameStream() {
    double g = UNIT.granularity();
    double a = UNIT.release(5.0, stream("same")).value();
    double b = UNIT.release(5.0 + 0.49 * g, stream("same")).value();
    double c = UNIT.release(5.0 - 0.5 * g, stream("same")).value(); // half rounds up: same point
    double d = UNIT.release(5.0 + 0.5 * g, stream("same")).value(); // next point
    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
    assertThat(d).isEqualTo(a + g);
  }

  @Test
  void release_sameCellTwice_returnsIdenticalNoise() {
    double[] values = {1, 2, 3, 4};
    assertThat(UNIT.release(values, stream("cell-7")))
        .isEqualTo(UNIT.release(values, stream("cell-7")));
    assertThat(UNIT.release(values, stream("cell-8")).values())
        .isNotEqualTo(UNIT.release(values, stream("cell-7")).values());
  }

  /**
   * Empirical noise variance against the reported std². The mean of (noise)² over N = 50k has
   * standard error √(μ₄ − Var²)/√N = √5·Var/√N (μ₄ = 6Var² for this large scale); tolerance 5
   * standard errors, false-failure probability about 5.7e-7 (normal approximation; seeded).
   */
  @Test
  void release_50kDraws_noiseStdMatchesReported() {
    LaplaceMechanism m = LaplaceMechanism.builder().epsilon(0.5).l1Sensitivity(3).build();
    KeyedStreamSource source = NoiseStats.seeded("laplace-mech-std");
    int n = 50_000;
    double sum = 0;
    double reportedStd = 0;
    for (int i = 0; i < n; i++) {
      NoisyValue v = m.release(10.0, source);
      double noise = v.value() - 10.0;
      sum += noise * noise;
      reportedStd = v.noiseStd();
    }
    double variance = reportedStd * reportedStd;
    assertThat(reportedStd).isCloseTo(Math.sqrt(2) * 6, within(1e-6)); // b = Δ/ε = 6
    assertThat(sum / n).isCloseTo(variance, within(5 * Math.sqrt(5.0 / n) * variance));
  }

  /**
   * 95% intervals cover the exact input. N = 20k releases; the coverage must lie within 5 binomial
   * standard errors (√(0.95·0.05/N) ≈ 0.0015) of 0.95: false-failure probability about 5.7e-7
   * (normal approximation; seeded).
   */
  @Test
  void confidenceInterval_95Percent_coversAbout95Percent() {
    LaplaceMechanism m = LaplaceMechanism.builder().epsilon(2).l1Sensitivity(1).build();
    KeyedStreamSource source = NoiseStats.seeded("laplace-mech-ci");
    int n = 20_000;
    int covered = 0;
    double exact = 0.3333;
    for (int i = 0; i < n; i++) {
      if (m.release(exact, source).confidenceInterval(0.95).contains(exact)) {
        covered++;
      }
    }
    assertThat((double) covered / n).isCloseTo(0.95, within(5 * Math.sqrt(0.95 * 0.05 / n)));
  }

  @Test
  void release_vector_usesRelaxedSensitivityAndStaysWithinEpsilon() {
    LaplaceMechanism m = LaplaceMechanism.builder().epsilon(0.7).l1Sensitivity(2).build();
    NoisyVector v = m.release(new double[] {1, 2, 3, 4, 5}, stream("vec"));
    DiscreteLaplaceEvent scalar = m.event();
    DiscreteLaplaceEvent vector = (DiscreteLaplaceEvent) v.event();
    assertThat(vector.l1Sensitivity()).isEqualTo(scalar.l1Sensitivity() + 4);
    assertThat(vector).isEqualTo(m.eventFor(5));
    assertThat(vector.pureEpsilon()).isLessThanOrEqualTo(0.7);
    assertThat(v.size()).isEqualTo(5);
  }

  @Test
  void release_vectorWithNaN_throwsIllegalArgumentExceptionShowingNeitherValueNorIndex() {
    assertThatThrownBy(() -> UNIT.release(new double[] {1, 2, Double.NaN}, stream("nan")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every entry of values must be finite (not shown: it may be private)");
  }

  @Test
  void release_infiniteValue_throwsIllegalArgumentExceptionWithoutTheValue() {
    assertThatThrownBy(() -> UNIT.release(Double.NEGATIVE_INFINITY, stream("inf")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value must be finite (not shown: it may be private)");
  }

  @Test
  void release_emptyVector_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> UNIT.release(new double[0], stream("empty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values must hold at least one value; got 0");
  }

  /** The cost never exceeds the request, for ε and Δ across their whole accepted ranges. */
  @Property(tries = 500)
  void event_anyEpsilonAndSensitivity_neverExceedsEpsilon(
      @ForAll @DoubleRange(min = -30, max = 12) double log2Epsilon,
      @ForAll @DoubleRange(min = -40, max = 40) double log2Sensitivity,
      @ForAll @IntRange(min = 1, max = 1000) int dimension) {
    double epsilon = Math.pow(2, log2Epsilon);
    double sensitivity = Math.pow(2, log2Sensitivity);
    LaplaceMechanism m =
        LaplaceMechanism.builder().epsilon(epsilon).l1Sensitivity(sensitivity).build();
    for (DiscreteLaplaceEvent e : new DiscreteLaplaceEvent[] {m.event(), m.eventFor(dimension)}) {
      // Exact: D/T ≤ ε as rationals, and the double the accountant reads is ≤ ε too.
      assertThat(new BigDecimal(e.l1Sensitivity()))
          .isLessThanOrEqualTo(new BigDecimal(epsilon).multiply(new BigDecimal(e.scale())));
      assertThat(e.pureEpsilon()).isLessThanOrEqualTo(epsilon);
    }
    // And the noise is not needlessly large: the scalar cost is within 2^-9 of ε.
    assertThat(m.event().pureEpsilon()).isGreaterThanOrEqualTo(epsilon * (1 - 0x1p-9));
    // D·g covers Δ.
    assertThat(m.event().l1Sensitivity() * m.granularity()).isGreaterThanOrEqualTo(sensitivity);
  }

  private static KeyedStreamSource stream(String cell) {
    return KeyedStreamSource.forCell(Secret.fromBytes(new byte[32]), cell);
  }
}
