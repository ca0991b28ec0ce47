package org.privspark.core.accounting.pld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PureDpEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.SelfComposedEvent;

/**
 * The PLD accountant against published values and exact closed forms: within tolerance, and never
 * below an exact value (it is an upper bound by construction).
 */
class PldExactnessTest {
  private static final PldSettings DEFAULTS = PldSettings.defaults();

  /** The exact ε(δ) of a Gaussian with noise multiplier z (Balle & Wang 2018, Thm. 8), to 1e-13. */
  static double exactGaussianEpsilon(double z, double delta) {
    double lo = 0;
    double hi = 200;
    for (int i = 0; i < 200 && hi - lo > 1e-14; i++) {
      double mid = (lo + hi) / 2;
      if (Math.exp(Calibration.analyticGaussianLogDelta(mid, z)) <= delta) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  @Test
  void dpSgdMnist_matchesDpAccountingWithin1e3AndBeatsRdp() {
    // Abadi et al. 2016's MNIST setting; dp_accounting's PLD accountant gives 2.38169 (the value
    // docs/ACCOUNTING.md quotes), its RDP accountant about 2.60.
    SampledGaussianEvent event = new SampledGaussianEvent(256.0 / 60000, 1.1, 14062);
    double pld = PldAccountant.epsilon(event, 1e-5);
    assertThat(pld).isCloseTo(2.38169, within(2.38169 * 1e-3));
    double rdp = RdpAccountant.epsilonOf(event, 1e-5, OrderGrid.defaults()).epsilon();
    assertThat(pld).isLessThan(rdp);
  }

  @Test
  void gaussian_withinOneMillionthOfAnalytic_neverBelow() {
    for (double z : new double[] {0.8, 1, 2, 5}) {
      for (double delta : new double[] {1e-3, 1e-5, 1e-8}) {
        double exact = exactGaussianEpsilon(z, delta);
        double pld = PldAccountant.epsilon(GaussianEvent.withNoiseMultiplier(z), delta);
        assertThat(pld).as("z=%s δ=%s", z, delta).isGreaterThanOrEqualTo(exact);
        assertThat(pld - exact).as("z=%s δ=%s", z, delta).isLessThan(1e-6);
      }
    }
  }

  @Test
  void gaussian_deltaNeverBelowAnalytic() {
    for (double z : new double[] {0.8, 2}) {
      PrivacyLossDistribution pld =
          PrivacyLossDistribution.of(new GaussianEvent(3 * z, 3), DEFAULTS);
      for (double eps : new double[] {0, 0.1, 0.5, 1, 3}) {
        double exact = Math.exp(Calibration.analyticGaussianLogDelta(eps, z));
        assertThat(pld.delta(eps)).as("z=%s ε=%s", z, eps).isGreaterThanOrEqualTo(exact);
        assertThat(pld.delta(eps) - exact).isLessThan(1e-6 * Math.max(exact, 1e-3));
      }
    }
  }

  @Test
  void laplace_matchesClosedForm_neverBelow() {
    // δ(ε) = 1 − e^{(ε − ε₀)/2} for ε ≤ ε₀ = Δ/b (Koskela et al. 2020, §6.1).
    for (double b : new double[] {0.5, 1, 2, 4, 3}) {
      double e0 = 1 / b;
      PrivacyLossDistribution pld = PrivacyLossDistribution.of(new LaplaceEvent(b, 1), DEFAULTS);
      // ε₀ on the grid (b = 0.5 ... 4): within 1e-6; off the grid (b = 3): within one step h.
      double tolerance = b == 3 ? DEFAULTS.valueDiscretizationInterval() : 1e-6;
      for (double delta : new double[] {1e-3, 1e-5, 0.1}) {
        double exact = Math.max(0, e0 + 2 * Math.log1p(-delta));
        double eps = pld.epsilon(delta);
        assertThat(eps).as("b=%s δ=%s", b, delta).isGreaterThanOrEqualTo(exact);
        assertThat(eps - exact).as("b=%s δ=%s", b, delta).isLessThan(tolerance);
      }
      for (double eps : new double[] {0, e0 / 3, e0 / 2, e0 * 0.99}) {
        double exact = -Math.expm1((eps - e0) / 2);
        assertThat(pld.delta(eps)).as("b=%s ε=%s", b, eps).isGreaterThanOrEqualTo(exact);
      }
    }
  }

  @Test
  void gaussianComposition_equalsOneGaussianOfSigmaOverRootK_neverBelow() {
    // k Gaussians of noise z compose to one of z/√k exactly (the losses add as normals).
    int k = 16;
    double z = 4;
    for (double delta : new double[] {1e-5, 1e-8}) {
      double exact = exactGaussianEpsilon(z / Math.sqrt(k), delta);
      double composed =
          PldAccountant.epsilon(
              new SelfComposedEvent(GaussianEvent.withNoiseMultiplier(z), k), delta);
      double byFft =
          PrivacyLossDistribution.of(GaussianEvent.withNoiseMultiplier(z), DEFAULTS)
              .compose(PrivacyLossDistribution.of(GaussianEvent.withNoiseMultiplier(z), DEFAULTS))
              .epsilon(delta);
      assertThat(composed).isGreaterThanOrEqualTo(exact);
      // At δ = 1e-8 the FFT's proven error bound (about 1e-11, added to δ) is a relative 1e-3 of
      // δ and dominates; at 1e-5 the discretisation does.
      assertThat(composed - exact).as("δ=%s", delta).isLessThan(delta < 1e-6 ? 5e-4 : 1e-5);
      assertThat(byFft).isGreaterThanOrEqualTo(exactGaussianEpsilon(z / Math.sqrt(2), delta));
    }
    // Full-batch DP-SGD (q = 1) is the same composition.
    double fullBatch = PldAccountant.epsilon(new SampledGaussianEvent(1, z, k), 1e-5);
    assertThat(fullBatch).isGreaterThanOrEqualTo(exactGaussianEpsilon(z / Math.sqrt(k), 1e-5));
    assertThat(fullBatch - exactGaussianEpsilon(z / Math.sqrt(k), 1e-5)).isLessThan(1e-5);
  }

  @Test
  void sampledGaussian_belowRdpAcrossDpSgdSettings() {
    double[][] settings = {{0.01, 1.0, 1000}, {0.05, 2.0, 500}, {0.001, 0.8, 3000}};
    for (double[] s : settings) {
      SampledGaussianEvent event = new SampledGaussianEvent(s[0], s[1], (long) s[2]);
      double pld = PldAccountant.epsilon(event, 1e-5);
      double rdp = RdpAccountant.epsilonOf(event, 1e-5, OrderGrid.defaults()).epsilon();
      assertThat(pld).as("q=%s z=%s T=%s", s[0], s[1], s[2]).isLessThan(rdp).isPositive();
    }
  }

  @Test
  void sampledGaussian_reportsTheWorseDirection() {
    double q = 0.02;
    double z = 0.9;
    long steps = 200;
    double remove =
        MechanismPmfs.sampledGaussianRemove(q, z, DEFAULTS).selfCompose(steps).epsilon(1e-6);
    double add = MechanismPmfs.sampledGaussianAdd(q, z, DEFAULTS).selfCompose(steps).epsilon(1e-6);
    assertThat(remove).isNotEqualTo(add);
    assertThat(PldAccountant.epsilon(new SampledGaussianEvent(q, z, steps), 1e-6))
        .isEqualTo(Math.max(remove, add));
  }

  @Test
  void pureDp_matchesRandomizedResponse_neverBelow() {
    // δ(ε') = (e^ε − e^ε')/(1 + e^ε) for ε' ≤ ε (randomized response, the ε-DP dominating pair).
    double e0 = 1.0;
    PrivacyLossDistribution pld = PrivacyLossDistribution.of(new PureDpEvent(e0), DEFAULTS);
    for (double eps : new double[] {0, 0.25, 0.5, 0.9}) {
      double exact = (Math.exp(e0) - Math.exp(eps)) / (1 + Math.exp(e0));
      assertThat(pld.delta(eps)).isGreaterThanOrEqualTo(exact);
      assertThat(pld.delta(eps) - exact).isLessThan(1e-12);
    }
    assertThat(pld.delta(e0)).isLessThan(1e-12);
    double delta = 1e-3;
    double exactEps = Math.log(Math.exp(e0) - delta * (1 + Math.exp(e0)));
    assertThat(pld.epsilon(delta)).isGreaterThanOrEqualTo(exactEps);
    assertThat(pld.epsilon(delta) - exactEps).isLessThan(1e-6);
  }

  @Test
  void discreteLaplaceAtSensitivityOne_isRandomizedResponse() {
    // With Δ = 1 the loss takes only ±1/t with randomized response's probabilities.
    double t = 2.5;
    for (double delta : new double[] {1e-2, 1e-4}) {
      assertThat(PldAccountant.epsilon(new DiscreteLaplaceEvent(t, 1), delta))
          .isCloseTo(PldAccountant.epsilon(new PureDpEvent(1 / t), delta), within(1e-9));
    }
  }

  @Test
  void discreteGaussian_matchesTheExactSum_neverBelow() {
    // δ(ε) = Σ_k (P(k) − e^ε P(k − 1))₊ for P(k) ∝ e^{−k²/(2σ²)} (shift 1), summed directly.
    for (double sigma : new double[] {0.7, 2, 5}) {
      for (double eps : new double[] {0.2, 1}) {
        double exact = exactDiscreteGaussianDelta(sigma, eps);
        double pld = PldAccountant.delta(new DiscreteGaussianEvent(sigma, 1), eps);
        assertThat(pld).as("σ=%s ε=%s", sigma, eps).isGreaterThanOrEqualTo(exact);
        // Atoms off the grid are split between their two grid points: δ moves by at most ~h.
        assertThat(pld - exact).isLessThan(DEFAULTS.valueDiscretizationInterval());
      }
    }
  }

  private static double exactDiscreteGaussianDelta(double sigma, double eps) {
    int kMax = (int) Math.ceil(40 * sigma) + 2;
    double z = 0;
    for (int k = -kMax; k <= kMax; k++) {
      z += Math.exp(-(double) k * k / (2 * sigma * sigma));
    }
    double delta = 0;
    for (int k = -kMax; k <= kMax; k++) {
      double p = Math.exp(-(double) k * k / (2 * sigma * sigma)) / z;
      double q = Math.exp(-(double) (k - 1) * (k - 1) / (2 * sigma * sigma)) / z;
      delta += Math.max(0, p - Math.exp(eps) * q);
    }
    return delta;
  }

  @Test
  void approximateAndDeltaEvents_behaveAsTheirDefinitions() {
    PrivacyLossDistribution pair =
        PrivacyLossDistribution.of(new ApproximateDpEvent(0.5, 1e-6), DEFAULTS);
    // At exactly δ = 1e-6 nothing is left for the bound's own rounding allowance: ε = ∞.
    assertThat(pair.epsilon(1e-6 + 1e-13)).isCloseTo(0.5, within(1e-9));
    assertThat(pair.epsilon(1e-6 + 1e-13))
        .isGreaterThanOrEqualTo(Math.log(Math.exp(0.5) - 1e-13 * (1 + Math.exp(0.5)) / (1 - 1e-6)));
    assertThat(pair.epsilon(5e-7)).isInfinite();
    assertThat(pair.delta(0.5)).isGreaterThanOrEqualTo(1e-6).isLessThan(1e-6 + 1e-12);

    PrivacyLossDistribution delta = PrivacyLossDistribution.of(new DeltaEvent(1e-6), DEFAULTS);
    assertThat(delta.epsilon(1e-5)).isZero();
    assertThat(delta.delta(0)).isGreaterThanOrEqualTo(1e-6).isLessThan(1e-6 + 1e-12);
    assertThat(delta.epsilon(1e-7)).isInfinite();
  }
}
