package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PrivateSelectionEvent against Papernot &amp; Steinke 2022, Theorem 2, re-derived here in plain
 * double arithmetic (and E[K] from the distribution's probabilities, not from the closed form).
 */
class PrivateSelectionEventTest {
  private static final double SIGMA = 2.0;

  /** The Gaussian's ε(α) = α/(2σ²) at sensitivity 1. */
  private static double gaussian(double order) {
    return order / (2 * SIGMA * SIGMA);
  }

  /**
   * Theorem 2 with dp_accounting's two steps (_compute_rdp_repeat_and_select): the minimum over λ̂
   * of the set, then monotonicity over the set's orders ≥ λ.
   */
  private static double reference(double order, double eta, double gamma, double mean) {
    double c = Double.POSITIVE_INFINITY;
    for (double hat : PrivateSelectionEvent.SELECTION_ORDERS) {
      c = Math.min(c, (1 - 1 / hat) * gaussian(hat) + Math.log(1 / gamma) / hat);
    }
    c *= 1 + eta;
    double best = gaussian(order) + Math.log(mean) / (order - 1) + c;
    for (double o : PrivateSelectionEvent.SELECTION_ORDERS) {
      if (o >= order) {
        best = Math.min(best, gaussian(o) + Math.log(mean) / (o - 1) + c);
      }
    }
    return best;
  }

  /** E[K] summed from P[K = k] ∝ (1 − γ)^k Γ(k + η)/(k! Γ(η)) (η ≠ 0) or (1 − γ)^k / k (η = 0). */
  private static double meanFromProbabilities(double eta, double gamma) {
    double weight = eta == 0 ? 1 - gamma : eta * (1 - gamma); // k = 1
    double total = 0;
    double weighted = 0;
    for (int k = 1; k < 20_000; k++) {
      total += weight;
      weighted += k * weight;
      weight *= (1 - gamma) * (eta == 0 ? k / (k + 1.0) : (k + eta) / (k + 1.0));
    }
    return weighted / total;
  }

  @Test
  void expectedRepetitions_matchesTheDistributionsMean_forGeometricLogarithmicAndOthers() {
    for (double eta : new double[] {1, 0, 0.5, -0.5, 3}) {
      for (double gamma : new double[] {0.05, 0.2, 0.7}) {
        double mean = meanFromProbabilities(eta, gamma);
        double computed =
            new PrivateSelectionEvent(new GaussianEvent(SIGMA, 1), eta, gamma)
                .expectedRepetitions();
        assertThat(computed).as("eta %s gamma %s", eta, gamma).isCloseTo(mean, within(1e-9 * mean));
        assertThat(computed).isGreaterThanOrEqualTo(mean * (1 - 1e-12));
      }
    }
  }

  @Test
  void rdp_geometric_matchesTheorem2AndIsNeverBelowIt() {
    double gamma = 0.1;
    PrivateSelectionEvent e = new PrivateSelectionEvent(new GaussianEvent(SIGMA, 1), 1, gamma);
    for (double order : new double[] {1.5, 2, 3.3, 8, 20, 64, 100, 1024, 2000}) {
      double want = reference(order, 1, gamma, 1 / gamma);
      assertThat(e.rdp(order)).as("order %s", order).isGreaterThanOrEqualTo(want);
      assertThat(e.rdp(order)).isLessThan(want * (1 + 1e-9));
    }
  }

  @Test
  void rdp_logarithmicAndNegativeEta_matchTheorem2() {
    for (double eta : new double[] {0, -0.5, 2}) {
      double gamma = 0.05;
      PrivateSelectionEvent e = new PrivateSelectionEvent(new GaussianEvent(SIGMA, 1), eta, gamma);
      double mean = meanFromProbabilities(eta, gamma);
      for (double order : new double[] {2, 5, 32}) {
        double want = reference(order, eta, gamma, mean);
        assertThat(e.rdp(order)).as("eta %s order %s", eta, order).isCloseTo(want, within(1e-9));
        assertThat(e.rdp(order)).isGreaterThanOrEqualTo(want - 1e-12);
      }
    }
  }

  /** A worked value: σ = 2, η = 1, γ = 0.1 at λ = 8, from the formula by hand (λ̂ = 5.5). */
  @Test
  void rdp_workedExample_atOrder8() {
    // c = 2·min(λ̂/8 − 1/8 + log 10/λ̂): the minimum of x/8 + log(10)/x on the set is at x = 4.3
    // (√(8 log 10) = 4.29); ε'(8) = min over λ' ≥ 8 of λ'/8 + log(10)/(λ' − 1) + c, at λ' = 8.
    double c = Double.POSITIVE_INFINITY;
    for (double x = 1.1; x < 11; x += 0.1) {
      c = Math.min(c, x / 8 - 1.0 / 8 + Math.log(10) / x);
    }
    c *= 2;
    double want = 1.0 + Math.log(10) / 7 + c;
    double got = new PrivateSelectionEvent(new GaussianEvent(SIGMA, 1), 1, 0.1).rdp(8);
    assertThat(got).isCloseTo(want, within(1e-9));
  }

  @Test
  void rdp_isAtLeastOneRun_atEveryOrderOfTheDefaultGrid() {
    PrivacyEvent run = new SampledGaussianEvent(0.01, 1.0, 500);
    PrivateSelectionEvent e = PrivateSelectionEvent.geometric(List.of(run), 3);
    OrderGrid grid = OrderGrid.defaults();
    for (int i = 0; i < grid.size(); i++) {
      assertThat(e.rdp(grid.order(i))).isGreaterThanOrEqualTo(run.rdp(grid.order(i)));
    }
    double one = RdpAccountant.epsilonOf(run, 1e-5, grid).epsilon();
    double tuned = RdpAccountant.epsilonOf(e, 1e-5, grid).epsilon();
    assertThat(tuned).isGreaterThan(one);
  }

  /** Quasi-convexity: the repetition's curve is the candidates' pointwise maximum. */
  @Test
  void rdp_severalCandidates_isTheSelectionOfTheirPointwiseMaximum() {
    PrivacyEvent weak = new GaussianEvent(4, 1);
    PrivacyEvent strong = new GaussianEvent(1, 1);
    PrivateSelectionEvent both = new PrivateSelectionEvent(List.of(weak, strong), 1, 0.2);
    PrivateSelectionEvent strongOnly = new PrivateSelectionEvent(strong, 1, 0.2);
    for (double order : new double[] {1.5, 4, 30}) {
      assertThat(both.rdp(order)).isEqualTo(strongOnly.rdp(order));
    }
  }

  @Test
  void constructor_badParameters_nameTheParameter() {
    PrivacyEvent g = new GaussianEvent(1, 1);
    assertThatThrownBy(() -> new PrivateSelectionEvent(g, -1, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eta must be finite and > -1");
    assertThatThrownBy(() -> new PrivateSelectionEvent(g, 1, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gamma");
    assertThatThrownBy(() -> new PrivateSelectionEvent(List.of(), 1, 0.5))
        .hasMessageContaining("candidates must hold at least one event");
    assertThatThrownBy(() -> new PrivateSelectionEvent(new ApproximateDpEvent(1, 1e-6), 1, 0.5))
        .hasMessageContaining("candidates[0] must have no additive delta");
    assertThatThrownBy(() -> PrivateSelectionEvent.geometric(List.of(g), 1))
        .hasMessageContaining("expectedRepetitions must be finite and > 1");
  }
}
