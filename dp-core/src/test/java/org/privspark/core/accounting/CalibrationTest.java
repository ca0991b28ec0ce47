package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void analyticGaussian_returnsSmallestSigmaMeetingDelta() {
    for (double eps : new double[] {0.1, 1, 4}) {
      for (double delta : new double[] {1e-3, 1e-6, 1e-10}) {
        double sigma = Calibration.analyticGaussianSigma(eps, delta, 1.0);
        assertThat(Math.exp(Calibration.analyticGaussianLogDelta(eps, sigma)))
            .isLessThanOrEqualTo(delta);
        double justBelow = sigma * (1 - 1e-9);
        assertThat(Math.exp(Calibration.analyticGaussianLogDelta(eps, justBelow)))
            .isGreaterThan(delta);
      }
    }
  }

  @Test
  void analyticGaussian_beatsClassicalBoundAndScalesWithSensitivity() {
    // Classical Gaussian mechanism (Dwork & Roth Thm. A.1, valid for ε < 1): σ = √(2 ln(1.25/δ))/ε.
    double classical = Math.sqrt(2 * Math.log(1.25 / 1e-5)) / 0.5;
    double analytic = Calibration.analyticGaussianSigma(0.5, 1e-5, 1.0);
    assertThat(analytic).isLessThan(classical);
    // σ = z·Δ rounded up: at Δ = 3, the double just at or above 3z, never the nearest below it.
    double scaled = Calibration.analyticGaussianSigma(0.5, 1e-5, 3.0);
    BigDecimal exact = new BigDecimal(analytic).multiply(BigDecimal.valueOf(3));
    assertThat(new BigDecimal(scaled)).isGreaterThanOrEqualTo(exact);
    assertThat(new BigDecimal(Math.nextDown(scaled))).isLessThan(exact);
  }

  @Test
  void rdpGaussian_isNeverBelowAnalyticAndMeetsTargetThroughTheAccountant() {
    double sigma = Calibration.rdpGaussianSigma(1.0, 1e-6, 1.0, OrderGrid.defaults());
    assertThat(sigma).isGreaterThanOrEqualTo(Calibration.analyticGaussianSigma(1.0, 1e-6, 1.0));
    assertThat(
            RdpAccountant.epsilonOf(
                    GaussianEvent.withNoiseMultiplier(sigma), 1e-6, OrderGrid.defaults())
                .epsilon())
        .isLessThanOrEqualTo(1.0);
    assertThat(
            RdpAccountant.epsilonOf(
                    GaussianEvent.withNoiseMultiplier(sigma * (1 - 1e-9)),
                    1e-6,
                    OrderGrid.defaults())
                .epsilon())
        .isGreaterThan(1.0);
  }

  @Test
  void dpSgdNoiseMultiplier_mnistSetting_isTightAndAccepted() {
    double q = 256.0 / 60000;
    long steps = 60 * (60000 / 256);
    double z = Calibration.dpSgdNoiseMultiplier(q, steps, 3.0, 1e-5, OrderGrid.defaults());
    double eps =
        RdpAccountant.epsilonOf(new SampledGaussianEvent(q, z, steps), 1e-5, OrderGrid.defaults())
            .epsilon();
    assertThat(eps).isLessThanOrEqualTo(3.0);
    double epsBelow =
        RdpAccountant.epsilonOf(
                new SampledGaussianEvent(q, z * (1 - 1e-9), steps), 1e-5, OrderGrid.defaults())
            .epsilon();
    assertThat(epsBelow).isGreaterThan(3.0);
    assertThat(z).isBetween(0.9, 1.2);
    PrivacyBudget budget = PrivacyBudget.inMemory(3.0, 1e-5);
    assertThat(budget.trySpend(new SampledGaussianEvent(q, z, steps))).isTrue();
  }

  @Test
  void calibrate_badArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> Calibration.analyticGaussianSigma(1, 0, 1))
        .hasMessage("delta must be in (0.0, 1.0); got 0.0");
    assertThatThrownBy(() -> Calibration.dpSgdNoiseMultiplier(0, 10, 1, 1e-5, OrderGrid.defaults()))
        .hasMessage("sampleRate must be in (0.0, 1.0]; got 0.0");
    assertThatThrownBy(
            () -> Calibration.dpSgdNoiseMultiplier(0.1, 10, -1, 1e-5, OrderGrid.defaults()))
        .hasMessage("epsilon must be finite and > 0; got -1.0");
  }
}
