package org.privspark.core.accounting.pld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.internal.LogMath;

/**
 * Hostile review of issue 17, item 1: once a privacy loss on the grid exceeds about 709, e^a in
 * Discretizer.fromCdf overflows to +∞, ∞·0 gives NaN masses, and LossPmf.epsilon's check {@code
 * delta(eps) > target} is false on NaN, so ε(δ) comes out FINITE AND FAR BELOW the exact value.
 * Every assertion compares against a closed form (no Monte Carlo: no false failures).
 */
class HostileReview17PldOverflowTest {
  private static final double DELTA = 1e-5;

  /** Φ(x), clamped where LogMath would not converge (the values used here are far from that). */
  private static double phi(double x) {
    return x > 40 ? 1 : LogMath.normalCdf(x);
  }

  /** Exact δ(ε) of the Gaussian mechanism with Δ/σ = m (Balle &amp; Wang 2018, Thm. 8). */
  private static double gaussianDelta(double m, double eps) {
    return phi(-eps / m + m / 2) - StrictMath.exp(eps) * phi(-eps / m - m / 2);
  }

  /** Exact δ(ε), remove direction, of one Poisson-subsampled Gaussian step (sensitivity 1). */
  private static double sampledGaussianRemoveDelta(double q, double s, double eps) {
    double x = s * s * StrictMath.log1p(StrictMath.expm1(eps) / q) + 0.5; // g⁻¹(ε)
    return (1 - q) * phi(-x / s) + q * phi((1 - x) / s) - StrictMath.exp(eps) * phi(-x / s);
  }

  @Test
  void laplace_epsilonNeverBelowExact_whenLossExceeds709() {
    // Lap(b = 0.001), Δ = 1: ε₀ = 1000, exact ε(δ) = ε₀ + 2 log(1 − δ) ≈ 999.99998.
    double exact = 1000 + 2 * StrictMath.log1p(-DELTA);
    assertThat(PldAccountant.epsilon(new LaplaceEvent(0.001, 1), DELTA))
        .isGreaterThanOrEqualTo(exact); // got 709.78
  }

  @Test
  void gaussian_epsilonNeverBelowAnalytic_atSmallSigma() {
    // σ = 0.03, Δ = 1: μ = 555; the loss grid reaches past 709.
    double eps = PldAccountant.epsilon(new GaussianEvent(0.03, 1), DELTA);
    assertThat(gaussianDelta(1 / 0.03, eps)).as("exact δ at PLD's ε=%s", eps).isLessThan(DELTA);
  }

  @Test
  void gaussian_deltaIsNeverNaN() {
    PrivacyLossDistribution pld =
        PrivacyLossDistribution.of(new GaussianEvent(0.03, 1), PldSettings.defaults());
    assertThat(pld.delta(1.0)).isGreaterThanOrEqualTo(gaussianDelta(1 / 0.03, 1.0)); // got NaN
  }

  @Test
  void sampledGaussian_removeDirection_epsilonNeverBelowExact_atSmallNoise() {
    // q = 0.5, z = 0.03, one step: the remove direction's loss is ≈ 555 with probability ≈ ½.
    double q = 0.5;
    double z = 0.03;
    // A coarse grid keeps this fast; the bug does not depend on h (the budget test uses defaults).
    double eps =
        PldAccountant.epsilon(
            new SampledGaussianEvent(q, z, 1), DELTA, new PldSettings(1e-2, 1e-15));
    assertThat(sampledGaussianRemoveDelta(q, z, eps))
        .as("exact remove-direction δ at PLD's ε=%s", eps)
        .isLessThanOrEqualTo(DELTA); // PLD says ε ≈ 0.693 (the add direction's cap log 2)
  }

  @Test
  void pldBudget_refusesAStepWhoseTrueEpsilonIsHundreds() {
    PrivacyBudget budget =
        PrivacyBudget.inMemory(1.0, DELTA, OrderGrid.defaults(), null, Accountant.PLD);
    // True ε(1e-5) of this step is above 500 (exact δ(1) ≈ 0.5): a budget of ε = 1 must refuse.
    assertThat(sampledGaussianRemoveDelta(0.5, 0.03, 1.0)).isGreaterThan(0.4);
    assertThat(budget.trySpend(new SampledGaussianEvent(0.5, 0.03, 1))).isFalse();
  }

  @Test
  void extremeParameters_refusedWithIllegalArgument_notArithmeticException() {
    // q close to 1 and huge noise: LogMath's erfc continued fraction does not converge.
    assertThatThrownBy(
            () -> PldAccountant.epsilon(new SampledGaussianEvent(0.999999, 1e6, 1), DELTA))
        .isNotInstanceOf(ArithmeticException.class);
  }
}
