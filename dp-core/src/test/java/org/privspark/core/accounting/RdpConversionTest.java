package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RdpConversionTest {

  /** dp_accounting test_compute_epsilon_delta_pure_dp: constant RDP 1.1 on orders 2..32. */
  @Test
  void epsilon_constantCurve_matchesDpAccountingHandComputedValue() {
    OrderGrid grid = OrderGrid.of(IntStream.rangeClosed(2, 32).asDoubleStream().toArray());
    double[] values = new double[grid.size()];
    java.util.Arrays.fill(values, 1.1);
    RdpCurve curve = RdpCurve.of(grid, values);

    PrivacyGuarantee g = RdpConversion.epsilon(curve, 0, Double.POSITIVE_INFINITY, 1e-5);
    assertThat(g.epsilon()).isCloseTo(1.32783806176, within(1e-10));
    assertThat(g.order()).isEqualTo(32);
    assertThat(g.orderAtGridEdge()).isTrue();
    assertThat(g.edgeWarning()).contains("edge of the order grid");

    PrivacyGuarantee back = RdpConversion.delta(curve, 0, Double.POSITIVE_INFINITY, 1.32783806176);
    assertThat(back.delta()).isCloseTo(1e-5, within(1e-14));
    assertThat(back.order()).isEqualTo(32);
  }

  /**
   * dp_accounting test_compute_epsilon_delta_gaussian: σ = 4.530877117 gives (1, 1e-6) on the
   * orders 1.001..99.999.
   */
  @Test
  void epsilon_gaussianOnFineGrid_givesDpAccountingValue() {
    OrderGrid fine =
        OrderGrid.of(IntStream.range(1001, 100000).mapToDouble(i -> 0.001 * i).toArray());
    RdpAccountant accountant =
        new RdpAccountant(fine).compose(GaussianEvent.withNoiseMultiplier(4.530877117));
    assertThat(accountant.epsilon(1e-6).epsilon()).isCloseTo(1.0, within(1e-7));
    assertThat(accountant.delta(1.0).delta()).isCloseTo(1e-6, within(1e-12));
  }

  /**
   * The RDP δ(ε) of a Gaussian can never be below the exact (analytic) δ of Balle &amp; Wang 2018,
   * Thm. 8, and never above the classic bound e^{−(ε−1/2)²/2} (σ = 1): dp_accounting's
   * test_delta_bounds_gaussian.
   */
  @Test
  void delta_gaussian_liesBetweenAnalyticAndClassicBounds() {
    OrderGrid grid =
        OrderGrid.of(
            IntStream.range(10, 505).mapToDouble(x -> 0.1 * x).filter(a -> a > 1).toArray());
    RdpAccountant accountant =
        new RdpAccountant(grid).compose(GaussianEvent.withNoiseMultiplier(1));
    for (int i = 0; i < 500; i++) {
      double eps = 0.1 * i;
      double delta = accountant.delta(eps).delta();
      double analytic = Math.exp(Calibration.analyticGaussianLogDelta(eps, 1));
      assertThat(analytic).as("eps=%s", eps).isLessThanOrEqualTo(delta + 1e-300);
      double classic = eps >= 0.5 ? Math.exp(-0.5 * (eps - 0.5) * (eps - 0.5)) : 1;
      assertThat(delta).as("eps=%s", eps).isLessThanOrEqualTo(classic + 1e-300);
    }
  }

  /** ε(δ) and δ(ε) invert each other (dp_accounting test_epsilon_delta_consistency). */
  @Test
  void epsilonAndDelta_areInverses() {
    OrderGrid grid = OrderGrid.of(IntStream.range(2, 50).asDoubleStream().toArray());
    for (double q : new double[] {0.01, 0.1, 0.8, 1}) {
      for (double z : new double[] {0.1, 1, 10, 100}) {
        RdpAccountant a = new RdpAccountant(grid).compose(new SampledGaussianEvent(q, z, 1));
        for (double delta : new double[] {.99, .9, .1, .01, 1e-3, 1e-5, 1e-9, 1e-12}) {
          double eps = a.epsilon(delta).epsilon();
          double back = a.delta(eps).delta();
          if (eps == 0) {
            assertThat(back).isLessThanOrEqualTo(delta);
          } else {
            assertThat(back)
                .as("q=%s z=%s delta=%s", q, z, delta)
                .isCloseTo(delta, within(1e-7 * delta));
          }
        }
      }
    }
  }

  @Test
  void epsilon_additiveDelta_isTakenOffTheTarget() {
    RdpAccountant plain = new RdpAccountant().compose(GaussianEvent.withNoiseMultiplier(3));
    RdpAccountant withDelta =
        new RdpAccountant()
            .compose(GaussianEvent.withNoiseMultiplier(3))
            .compose(new ApproximateDpEvent(0.1, 4e-6));
    // 1e-5 total with 4e-6 additive leaves 6e-6 for the curve, which also grew by the event's ε
    // part.
    PrivacyEvent pureOnly = new PureDpEvent(0.1);
    double expected =
        new RdpAccountant()
            .compose(GaussianEvent.withNoiseMultiplier(3))
            .compose(pureOnly)
            .epsilon(6e-6)
            .epsilon();
    assertThat(withDelta.epsilon(1e-5).epsilon()).isEqualTo(expected);
    assertThat(withDelta.epsilon(1e-5).delta()).isEqualTo(1e-5);
    assertThat(withDelta.epsilon(1e-5).epsilon()).isGreaterThan(plain.epsilon(1e-5).epsilon());
    // A target δ at or below the additive δ cannot be met through the curve.
    assertThat(
            new RdpAccountant()
                .compose(GaussianEvent.withNoiseMultiplier(3))
                .compose(new ApproximateDpEvent(0.1, 4e-6))
                .epsilon(3e-6)
                .epsilon())
        .isInfinite();
  }

  @Test
  void epsilon_pureEvents_useBasicCompositionWhenTighter() {
    RdpAccountant a =
        new RdpAccountant().compose(new LaplaceEvent(10, 1)).compose(new PureDpEvent(0.05));
    PrivacyGuarantee g = a.epsilon(0);
    assertThat(g.epsilon()).isCloseTo(0.15, within(1e-15));
    assertThat(g.order()).isInfinite();
    // With a δ > 0 and many repetitions, RDP beats basic composition.
    RdpAccountant many = new RdpAccountant().compose(new LaplaceEvent(100, 1).times(1000));
    assertThat(many.epsilon(1e-6).epsilon()).isLessThan(10.0);
    assertThat(many.pureEpsilon()).isGreaterThanOrEqualTo(10.0);
  }

  @Test
  void epsilon_gaussianWithZeroDelta_isInfinite() {
    assertThat(
            new RdpAccountant().compose(GaussianEvent.withNoiseMultiplier(1)).epsilon(0).epsilon())
        .isInfinite();
  }

  @Test
  void epsilon_badDelta_throwsNamingTheRange() {
    RdpAccountant a = new RdpAccountant();
    assertThatThrownBy(() -> a.epsilon(1.0)).hasMessage("delta must be in [0.0, 1.0); got 1.0");
    assertThatThrownBy(() -> a.epsilon(Double.NaN))
        .hasMessage("delta must be in [0.0, 1.0); got NaN");
    assertThatThrownBy(() -> a.delta(-1)).hasMessage("epsilon must be finite and >= 0; got -1.0");
  }

  @Test
  void epsilon_interiorOptimum_isNotFlaggedAsEdge() {
    PrivacyGuarantee g =
        new RdpAccountant()
            .compose(new SampledGaussianEvent(256.0 / 60000, 1.1, 14062))
            .epsilon(1e-5);
    assertThat(g.orderAtGridEdge()).isFalse();
    assertThat(g.edgeWarning()).isEmpty();
  }
}
