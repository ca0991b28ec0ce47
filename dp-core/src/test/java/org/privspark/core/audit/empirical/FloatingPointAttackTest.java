package org.privspark.core.audit.empirical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.noise.NoiseSource;

/**
 * Mironov's floating-point attack (CCS 2012, "On significance of the least significant bits for
 * differential privacy"): against the textbook double-precision Laplace mechanism it tells the
 * neighbouring inputs 0 and 1 apart with certainty on most runs; against PrivSpark's grid
 * mechanisms, which release (k + Y)·g for integers k, Y and a power of two g, it finds nothing.
 *
 * <p><b>The attack.</b> Given an output z, decide whether z is reachable from input 0 and whether
 * from input 1 ({@link TextbookLaplace#reachable}, exact). The event "reachable from 0 and not from
 * 1" has probability 0 under input 1, so any run that lands in it rules input 1 out, which no ε-DP
 * mechanism allows for any finite ε.
 *
 * <p><b>False failures.</b> The baseline uses java.util.Random with a fixed seed and the mechanisms
 * a fixed AES-CTR keystream: every run is identical, so these tests are deterministic. For fresh
 * seeds: the baseline assertion needs at least half the runs of input 0 in the event, whose
 * probability is about 0.62 (measured), so it fails with probability below exp(−2·n·0.12²) ≈ e^-576
 * for n = 20 000 (Hoeffding); each audit of a PrivSpark mechanism wrongly exceeds its claimed ε
 * with probability at most α = 10^-6 ({@link PrivacyLossAudit}).
 */
class FloatingPointAttackTest {
  private static final double EPSILON = 1.0;
  private static final int RUNS = 20_000;

  @Test
  void textbookLaplace_lowBitsAttack_rulesOutTheOtherInputOnMostRuns() {
    TextbookLaplace baseline = new TextbookLaplace(1 / EPSILON, 2012);
    Attack attack =
        new Attack(new TextbookLaplace(1 / EPSILON, 0)); // a model: only its reachable() is used
    long fromZero = 0;
    long fromOne = 0;
    for (int i = 0; i < RUNS; i++) {
      fromZero += attack.indicator(baseline.release(0.0)) > 0 ? 1 : 0;
      fromOne += attack.indicator(baseline.release(1.0)) > 0 ? 1 : 0;
    }
    // Exact: an output of input 1 is always reachable from 1, so it never lands in the event.
    assertThat(fromOne).isZero();
    assertThat(fromZero).isGreaterThan(RUNS / 2);
    double epsilonHat =
        PrivacyLossAudit.epsilonHat(fromZero, fromOne, RUNS, PrivacyLossAudit.Options.of(RUNS, 0));
    // With zero hits for input 1 the bound is limited only by n: ln(0.6·n/14.5) ≈ 6.7, far above ε
    // = 1.
    System.out.printf(
        "textbook laplace: attack event on %d of %d runs of input 0, %d of input 1; eps_hat=%.3f"
            + " (claimed %.1f)%n",
        fromZero, RUNS, fromOne, epsilonHat, EPSILON);
    assertThat(epsilonHat).isGreaterThan(5 * EPSILON);
  }

  @Test
  void textbookLaplace_everyOutput_isReachableFromItsOwnInput() {
    TextbookLaplace baseline = new TextbookLaplace(1 / EPSILON, 7);
    for (int i = 0; i < 2_000; i++) {
      double x = i % 2;
      assertThat(baseline.reachable(x, baseline.release(x))).isTrue();
    }
  }

  @Test
  void laplaceMechanism_lowBitsAttack_findsNoLeak() {
    LaplaceMechanism m = LaplaceMechanism.builder().epsilon(EPSILON).l1Sensitivity(1).build();
    assertResists("laplace", m, m.event().pureEpsilon(), 0, RUNS);
  }

  @Test
  void gaussianMechanism_lowBitsAttack_findsNoLeak() {
    GaussianMechanism m =
        GaussianMechanism.builder().epsilon(EPSILON).delta(1e-5).l2Sensitivity(1).build();
    double claimed = RdpAccountant.epsilonOf(m.event(), 1e-5, OrderGrid.defaults()).epsilon();
    assertResists("gaussian", m, claimed, 1e-5, RUNS);
  }

  @Test
  @Tag("reliability")
  void gridMechanisms_lowBitsAttack_findsNoLeak_manyRuns() {
    LaplaceMechanism l = LaplaceMechanism.builder().epsilon(EPSILON).l1Sensitivity(1).build();
    assertResists("laplace-heavy", l, l.event().pureEpsilon(), 0, 10 * RUNS);
    GaussianMechanism g =
        GaussianMechanism.builder().epsilon(EPSILON).delta(1e-5).l2Sensitivity(1).build();
    assertResists(
        "gaussian-heavy",
        g,
        RdpAccountant.epsilonOf(g.event(), 1e-5, OrderGrid.defaults()).epsilon(),
        1e-5,
        10 * RUNS);
  }

  /**
   * Every output of inputs 0 and 1 lies on the grid (so both inputs reach it: discrete Laplace and
   * Gaussian noise have full support on the integers), and no low-bit event separates them beyond
   * the claimed ε.
   */
  private static void assertResists(
      String name, GridMechanism<?, ?> m, double claimed, double delta, int runs) {
    double g = m.granularity();
    NoiseSource source = PrivacyLossAudit.source(name, "support");
    for (int i = 0; i < 2_000; i++) {
      double z = m.release(i % 2, source).value();
      double units = z / g; // exact: g is a power of two
      assertThat(units).as("output %s is a multiple of g = %s", z, g).isEqualTo(Math.rint(units));
    }
    Attack attack = new Attack(new TextbookLaplace(1 / EPSILON, 0));
    DoubleUnaryOperator lowGridBits = z -> (double) (((long) (z / g)) & 0xFF);
    DoubleUnaryOperator lowMantissaBits = z -> (double) (Double.doubleToRawLongBits(z) & 0xFF);
    for (DoubleUnaryOperator feature :
        new DoubleUnaryOperator[] {attack::indicator, lowGridBits, lowMantissaBits}) {
      PrivacyLossAudit.Options options =
          new PrivacyLossAudit.Options(runs, runs, 1e-6, delta, feature);
      PrivacyLossAudit.Result r =
          PrivacyLossAudit.audit(
              name, s -> m.release(0.0, s).value(), s -> m.release(1.0, s).value(), options);
      System.out.printf("%s (claimed eps %.4f): %s%n", name, claimed, r);
      assertThat(r.epsilonLowerBound()).as("%s: %s", name, r).isLessThanOrEqualTo(claimed);
    }
  }

  /** The attack's event as a 0/1 feature: 1 when the output is reachable from 0 but not from 1. */
  private record Attack(TextbookLaplace model) {
    double indicator(double z) {
      return model.reachable(0.0, z) && !model.reachable(1.0, z) ? 1 : 0;
    }
  }
}
