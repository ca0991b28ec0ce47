package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.junit.jupiter.api.Test;

class PrivacyEventTest {

  @Test
  void gaussian_rdp_isAlphaOverTwoZSquared() {
    assertThat(new GaussianEvent(2.0, 0.5).rdp(3.0)).isEqualTo(3.0 / (2 * 16));
    assertThat(new DiscreteGaussianEvent(2.0, 0.5).rdp(3.0)).isEqualTo(3.0 / (2 * 16));
    assertThat(new ZcdpEvent(0.125).rdp(3.0)).isEqualTo(0.375);
  }

  private static final GaussIntegrator PANEL =
      new GaussIntegratorFactory().legendreHighPrecision(40, 0, 1);

  /** D_α(Lap(0, b) ‖ Lap(Δ, b)) by quadrature, split at the kinks 0 and Δ. */
  private static double laplaceRenyiByQuadrature(double b, double sensitivity, double alpha) {
    GaussIntegrator panel = PANEL;
    double total = 0;
    double[][] pieces = {{-80 * b, 0}, {0, sensitivity}, {sensitivity, sensitivity + 80 * b}};
    for (double[] piece : pieces) {
      int n = 400;
      double w = (piece[1] - piece[0]) / n;
      for (int k = 0; k < n; k++) {
        double lo = piece[0] + k * w;
        for (int i = 0; i < panel.getNumberOfPoints(); i++) {
          double x = lo + w * panel.getPoint(i);
          double logP = -Math.abs(x) / b;
          double logQ = -Math.abs(x - sensitivity) / b;
          total += w * panel.getWeight(i) * Math.exp(alpha * logP + (1 - alpha) * logQ) / (2 * b);
        }
      }
    }
    return Math.log(total) / (alpha - 1);
  }

  @Test
  void laplace_rdp_matchesQuadratureOfTheDefinition() {
    for (double b : new double[] {0.5, 1, 3}) {
      for (double alpha : new double[] {1.1, 2, 3.7, 20}) {
        double expected = laplaceRenyiByQuadrature(b, 1, alpha);
        assertThat(new LaplaceEvent(b, 1).rdp(alpha))
            .as("b=%s alpha=%s", b, alpha)
            .isCloseTo(expected, within(1e-9 * expected));
      }
    }
  }

  @Test
  void laplace_pureEpsilon_isSensitivityOverScale() {
    assertThat(new LaplaceEvent(4, 2).pureEpsilon()).isEqualTo(0.5);
    assertThat(new LaplaceEvent(4, 2).rdp(1e6)).isCloseTo(0.5, within(1e-5));
  }

  @Test
  void pureDp_rdp_equalsRandomizedResponseDivergence() {
    double eps = 0.7;
    for (double alpha : new double[] {1.1, 2, 5, 30}) {
      double p = Math.exp(eps) / (1 + Math.exp(eps));
      double q = 1 - p;
      double direct =
          Math.log(
                  Math.pow(p, alpha) * Math.pow(q, 1 - alpha)
                      + Math.pow(q, alpha) * Math.pow(p, 1 - alpha))
              / (alpha - 1);
      assertThat(new PureDpEvent(eps).rdp(alpha)).isCloseTo(direct, within(1e-12));
    }
  }

  @Test
  void discreteLaplace_atUnitSensitivity_isExactlyRandomizedResponse() {
    assertThat(new DiscreteLaplaceEvent(4, 1).rdp(2.5)).isEqualTo(new PureDpEvent(0.25).rdp(2.5));
    assertThat(new DiscreteLaplaceEvent(4, 1).pureEpsilon()).isEqualTo(0.25);
  }

  @Test
  void composition_addsCurvesDeltasAndPureEpsilons() {
    PrivacyEvent a = new LaplaceEvent(2, 1);
    PrivacyEvent b = new ApproximateDpEvent(0.3, 1e-7);
    PrivacyEvent c = GaussianEvent.withNoiseMultiplier(5);
    PrivacyEvent all = a.and(b, c);
    assertThat(all.rdp(4)).isCloseTo(a.rdp(4) + b.rdp(4) + c.rdp(4), within(1e-15));
    assertThat(all.rdp(4)).isGreaterThanOrEqualTo(a.rdp(4) + b.rdp(4) + c.rdp(4));
    assertThat(all.additiveDelta()).isEqualTo(1e-7);
    assertThat(all.pureEpsilon()).isInfinite();
    assertThat(a.and(b).pureEpsilon()).isCloseTo(0.8, within(1e-15));

    PrivacyEvent six = new SelfComposedEvent(new ComposedEvent(List.of(a, b)), 6);
    assertThat(six.rdp(3)).isCloseTo(6 * (a.rdp(3) + b.rdp(3)), within(1e-14));
    assertThat(six.additiveDelta()).isCloseTo(6e-7, within(1e-21));
  }

  @Test
  void accountant_composeTwice_equalsSelfComposition() {
    PrivacyEvent e = new SampledGaussianEvent(0.01, 1.0, 10);
    RdpAccountant twice = new RdpAccountant().compose(e).compose(e);
    RdpAccountant once = new RdpAccountant().compose(e.times(2));
    assertThat(twice.epsilon(1e-6).epsilon())
        .isCloseTo(once.epsilon(1e-6).epsilon(), within(1e-12));
  }

  @Test
  void constructors_badParameters_throwNamingTheParameter() {
    assertThatThrownBy(() -> new GaussianEvent(Double.NaN, 1))
        .hasMessage("sigma must be finite and > 0; got NaN");
    assertThatThrownBy(() -> new GaussianEvent(1, 0))
        .hasMessage("l2Sensitivity must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> new LaplaceEvent(Double.POSITIVE_INFINITY, 1))
        .hasMessage("scale must be finite and > 0; got Infinity");
    assertThatThrownBy(() -> new PureDpEvent(-1))
        .hasMessage("epsilon must be finite and > 0; got -1.0");
    assertThatThrownBy(() -> new ZcdpEvent(0)).hasMessage("rho must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> new ApproximateDpEvent(1, 1))
        .hasMessage("delta must be in (0.0, 1.0); got 1.0");
    assertThatThrownBy(() -> new SampledGaussianEvent(0.1, 1, 0))
        .hasMessage("steps must be >= 1; got 0");
    assertThatThrownBy(() -> new SelfComposedEvent(null, 2)).hasMessage("event must not be null");
    assertThatThrownBy(() -> new ComposedEvent(List.of()))
        .hasMessage("events must hold at least one event; got none");
  }

  @Test
  void orderGrid_namedGrids_haveTheSpecifiedOrders() {
    OrderGrid d = OrderGrid.defaults();
    assertThat(d.size()).isEqualTo(99 + 53 + 4);
    assertThat(d.smallest()).isEqualTo(1.1);
    assertThat(d.order(98)).isEqualTo(10.9);
    assertThat(d.order(99)).isEqualTo(11);
    assertThat(d.largest()).isEqualTo(1024);
    OrderGrid o = OrderGrid.opacus();
    assertThat(o.size()).isEqualTo(99 + 52);
    assertThat(o.order(99)).isEqualTo(12);
    assertThat(o.largest()).isEqualTo(63);
    assertThat(OrderGrid.parse("default")).isEqualTo(d);
    assertThat(OrderGrid.parse(" 1.5, 2,4 ").orders()).containsExactly(1.5, 2, 4);
  }

  @Test
  void orderGrid_badOrders_throwNamingTheOrder() {
    assertThatThrownBy(() -> OrderGrid.of(1.0, 2.0))
        .hasMessage("orders[0] must be finite and > 1; got 1.0");
    assertThatThrownBy(() -> OrderGrid.of(3.0, 2.0))
        .hasMessage("orders must be strictly increasing; got 3.0 then 2.0");
    assertThatThrownBy(() -> OrderGrid.parse("2,x")).hasMessageContaining("got 'x'");
    assertThatThrownBy(() -> OrderGrid.of()).hasMessageContaining("at least one order");
  }
}
