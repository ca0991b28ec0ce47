package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.NoiseStats;
import org.privspark.core.noise.Secret;
import org.privspark.core.noise.SecureRandomSource;

class GaussianMechanismTest {
  private static final GaussianMechanism UNIT =
      GaussianMechanism.builder().epsilon(1).delta(1e-6).l2Sensitivity(1).build();

  @Test
  void build_fromEpsilonDelta_certifiesEpsilonAndUsesCalibratedSigma() {
    double sigma = Calibration.rdpGaussianSigma(1, 1e-6, 1, OrderGrid.defaults());
    assertThat(UNIT.sigma()).isEqualTo(sigma);
    assertThat(RdpAccountant.epsilonOf(UNIT.event(), 1e-6, OrderGrid.defaults()).epsilon())
        .isLessThanOrEqualTo(1.0);
    // The noise is the requested one up to the grid's rounding (relative 2^-20 is generous).
    assertThat(UNIT.noise().standardDeviation()).isCloseTo(sigma, within(sigma * 0x1p-20));
  }

  @Test
  void release_variousValues_liesExactlyOnGrid() {
    NoiseSource source = SecureRandomSource.create();
    GaussianMechanism m = GaussianMechanism.builder().sigma(3.7).l2Sensitivity(0.9).build();
    double g = m.granularity();
    for (double value : new double[] {0, 0.1, -123.456, 1e6, Math.E}) {
      for (int i = 0; i < 100; i++) {
        double units = m.release(value, source).value() / g;
        assertThat(units).isEqualTo(Math.rint(units));
      }
    }
  }

  @Test
  void release_valuesRoundingToSameGridPoint_giveIdenticalOutputWithSameStream() {
    double g = UNIT.granularity();
    double a = UNIT.release(-2.0, stream("same")).value();
    double b = UNIT.release(-2.0 + 0.3 * g, stream("same")).value();
    double c = UNIT.release(-2.0 + 0.5 * g, stream("same")).value();
    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a + g);
  }

  /**
   * The event's RDP, evaluated in doubles, is never below the exact cost αD²/(2S) at any order of
   * the default grid (compared in exact decimal arithmetic).
   */
  @Test
  void event_rdpInDoubles_neverBelowExactCost() {
    for (GaussianMechanism m :
        new GaussianMechanism[] {
          UNIT,
          GaussianMechanism.builder().sigma(0.37).l2Sensitivity(3).build(),
          GaussianMechanism.builder().sigma(1234.5).l2Sensitivity(0.01).build()
        }) {
      for (int dim : new int[] {1, 3, 1000}) {
        DiscreteGaussianEvent e = m.eventFor(dim);
        long s = dim == 1 ? m.noise().sigmaSquared() : sigmaSquaredFor(m, dim);
        BigDecimal d2 = new BigDecimal(e.l2Sensitivity()).pow(2);
        for (double order : OrderGrid.defaults().orders()) {
          BigDecimal computed = new BigDecimal(e.rdp(order)).multiply(BigDecimal.valueOf(2 * s));
          assertThat(computed).isGreaterThanOrEqualTo(new BigDecimal(order).multiply(d2));
        }
      }
    }
  }

  /**
   * Empirical noise variance against the reported std². For N = 50k the mean of noise² has standard
   * error √(2/N)·Var (Gaussian μ₄ = 3Var²); tolerance 5 standard errors, false-failure probability
   * about 5.7e-7 (normal approximation; seeded).
   */
  @Test
  void release_50kDraws_noiseStdMatchesReported() {
    GaussianMechanism m = GaussianMechanism.builder().sigma(2.5).l2Sensitivity(1).build();
    KeyedStreamSource source = NoiseStats.seeded("gauss-mech-std");
    int n = 50_000;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double noise = m.release(100.0, source).value() - 100.0;
      sum += noise * noise;
    }
    double variance = m.noise().standardDeviation() * m.noise().standardDeviation();
    assertThat(m.noise().standardDeviation()).isCloseTo(2.5, within(2.5 * 0x1p-20));
    assertThat(sum / n).isCloseTo(variance, within(5 * Math.sqrt(2.0 / n) * variance));
  }

  /**
   * 95% intervals cover the exact input: N = 20k; coverage within 5 binomial standard errors of
   * 0.95, false-failure probability about 5.7e-7 (normal approximation; seeded).
   */
  @Test
  void confidenceInterval_95Percent_coversAbout95Percent() {
    KeyedStreamSource source = NoiseStats.seeded("gauss-mech-ci");
    int n = 20_000;
    int covered = 0;
    double exact = -17.25;
    for (int i = 0; i < n; i++) {
      if (UNIT.release(exact, source).confidenceInterval(0.95).contains(exact)) {
        covered++;
      }
    }
    assertThat((double) covered / n).isCloseTo(0.95, within(5 * Math.sqrt(0.95 * 0.05 / n)));
  }

  @Test
  void release_vector_usesRelaxedSensitivity() {
    double[] values = new double[16];
    NoisyVector v = UNIT.release(values, stream("vec"));
    DiscreteGaussianEvent e = (DiscreteGaussianEvent) v.event();
    assertThat(e.l2Sensitivity()).isGreaterThanOrEqualTo(1 / UNIT.granularity() + 4);
    assertThat(RdpAccountant.epsilonOf(e, 1e-6, OrderGrid.defaults()).epsilon())
        .isLessThanOrEqualTo(1.0);
    assertThat(UNIT.release(values, stream("vec"))).isEqualTo(v); // noise drawn once per cell
  }

  @Test
  void release_vectorWithInfinity_throwsIllegalArgumentExceptionShowingNeitherValueNorIndex() {
    assertThatThrownBy(
            () -> UNIT.release(new double[] {0, Double.POSITIVE_INFINITY}, stream("inf")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every entry of values must be finite (not shown: it may be private)");
  }

  /** Built from (ε, δ), the accountant's ε at δ never exceeds the request. */
  @Property(tries = 60)
  void build_anyEpsilonDelta_accountantEpsilonAtMostRequest(
      @ForAll @DoubleRange(min = -1.3, max = 2.3) double log10Epsilon,
      @ForAll @DoubleRange(min = -12, max = -2) double log10Delta,
      @ForAll @DoubleRange(min = -6, max = 6) double log10Sensitivity) {
    double epsilon = Math.pow(10, log10Epsilon);
    double delta = Math.pow(10, log10Delta);
    double sensitivity = Math.pow(10, log10Sensitivity);
    GaussianMechanism m =
        GaussianMechanism.builder()
            .epsilon(epsilon)
            .delta(delta)
            .l2Sensitivity(sensitivity)
            .build();
    assertThat(RdpAccountant.epsilonOf(m.event(), delta, OrderGrid.defaults()).epsilon())
        .isLessThanOrEqualTo(epsilon);
    assertThat(RdpAccountant.epsilonOf(m.eventFor(7), delta, OrderGrid.defaults()).epsilon())
        .isLessThanOrEqualTo(epsilon);
  }

  /**
   * ε = 1e-3 at δ = 1e-12 needs σ beyond the mechanism's range (or beyond what the default grid can
   * certify at all, depending on the accountant's conversion): either way the refusal names ε.
   */
  @Test
  void build_epsilonTooSmallForDelta_throwsIllegalArgumentExceptionNamingEpsilon() {
    assertThatThrownBy(
            () -> GaussianMechanism.builder().epsilon(1e-3).delta(1e-12).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("epsilon ")
        .hasMessageContaining("got ");
  }

  private static long sigmaSquaredFor(GaussianMechanism m, int dim) {
    return ((DiscreteGaussianNoise) m.release(new double[dim], stream("s")).noise()).sigmaSquared();
  }

  private static KeyedStreamSource stream(String cell) {
    return KeyedStreamSource.forCell(Secret.fromBytes(new byte[32]), cell);
  }
}
