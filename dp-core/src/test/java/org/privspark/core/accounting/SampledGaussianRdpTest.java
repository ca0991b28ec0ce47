package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampledGaussianRdpTest {

  private static void assertRelative(
      double actual, double expected, double tolerance, String what) {
    assertThat(Math.abs(actual - expected))
        .as("%s: actual %s, expected %s", what, actual, expected)
        .isLessThanOrEqualTo(tolerance * Math.abs(expected));
  }

  /**
   * q = 1 is the Gaussian: α/(2σ²), never below the exact rational and at most three ulps above it
   * (three operations, each rounded up).
   */
  @Test
  void rdp_fullSampling_equalsGaussianClosedFormRoundedUp() {
    for (double alpha : new double[] {1.5, 2, 7.3, 64, 1024}) {
      double rdp = SampledGaussianRdp.rdp(1.0, 1.7, alpha);
      // Compared exactly, cross-multiplied: rdp·2σ² ≥ α > (rdp − 3 ulps)·2σ².
      BigDecimal twoSigmaSquared = new BigDecimal(1.7).pow(2).multiply(BigDecimal.valueOf(2));
      BigDecimal a = new BigDecimal(alpha);
      assertThat(new BigDecimal(rdp).multiply(twoSigmaSquared))
          .as("alpha=%s", alpha)
          .isGreaterThanOrEqualTo(a);
      double threeBelow = Math.nextDown(Math.nextDown(Math.nextDown(rdp)));
      assertThat(new BigDecimal(threeBelow).multiply(twoSigmaSquared))
          .as("alpha=%s", alpha)
          .isLessThan(a);
    }
  }

  @Test
  void rdp_zeroSampling_isZero() {
    assertThat(SampledGaussianRdp.rdp(0.0, 1.0, 2.5)).isZero();
  }

  @Test
  void rdp_orderTwo_matchesClosedFormWithin1e9() {
    // A_2 = 1 + q²(e^{1/σ²} − 1) exactly, so ε(2) = log1p(q²·expm1(1/σ²)).
    for (double q : new double[] {1e-6, 256.0 / 60000, 0.01, 0.3, 0.9}) {
      for (double sigma : new double[] {0.5, 1.1, 4}) {
        double expected = Math.log1p(q * q * Math.expm1(1 / (sigma * sigma)));
        assertRelative(
            SampledGaussianRdp.rdp(q, sigma, 2), expected, 1e-9, "q=" + q + " sigma=" + sigma);
      }
    }
  }

  @Test
  void rdp_orderThree_matchesBinomialExpansionWithin1e9() {
    double q = 0.2;
    double s2 = 1.3 * 1.3;
    double a3 =
        Math.pow(1 - q, 3)
            + 3 * q * Math.pow(1 - q, 2)
            + 3 * q * q * (1 - q) * Math.exp(1 / s2)
            + q * q * q * Math.exp(3 / s2);
    assertRelative(SampledGaussianRdp.rdp(q, 1.3, 3), Math.log(a3) / 2, 1e-9, "order 3");
  }

  /**
   * Reference values from Google's dp_accounting test suite (rdp_privacy_accountant_test.py,
   * test_compute_rdp_poisson_sampled_gaussian): q = 0.01, σ = 2.5, 50 steps, printed to 9
   * significant digits (hence 2e-8 at the integer orders). At the fractional orders 1.5 and 2.5
   * dp_accounting's figures sit above the exact value (3% at 1.5), which our series and the
   * independent quadrature both give (they agree to 1e-12 there); so at fractional orders we check
   * that we are never above dp_accounting and that we match the quadrature.
   */
  @Test
  void rdp_dpAccountingReferenceValues_matchAtIntegerOrdersAndAreTighterAtFractional() {
    SampledGaussianEvent event = new SampledGaussianEvent(0.01, 2.5, 50);
    double[] integerOrders = {5, 50, 100};
    double[] integerExpected = {2.18075656e-03, 2.38460375e-02, 1.67416308e02};
    for (int i = 0; i < integerOrders.length; i++) {
      assertRelative(
          event.rdp(integerOrders[i]), integerExpected[i], 2e-8, "order " + integerOrders[i]);
    }
    double[] fractionalOrders = {1.5, 2.5};
    double[] dpAccounting = {6.70579741e-04, 1.08548710e-03};
    for (int i = 0; i < fractionalOrders.length; i++) {
      double ours = event.rdp(fractionalOrders[i]);
      assertThat(ours).isLessThanOrEqualTo(dpAccounting[i]);
      assertRelative(
          ours,
          50 * RenyiQuadrature.sampledGaussianRdp(0.01, 2.5, fractionalOrders[i]),
          1e-9,
          "order " + fractionalOrders[i]);
    }
  }

  @ParameterizedTest(name = "q={0} sigma={1} order={2}")
  @CsvSource({
    // Settings from dp_accounting's test_compute_log_a_equals_mp, tiny q (where A − 1 is below
    // 1e-12 and must keep its relative precision), DP-SGD on MNIST, and the other hard corner:
    // small fractional orders with large q.
    "1e-4, 1.0, 1.5",
    "1e-7, 0.1, 1.01",
    "1e-8, 1.0, 1.1",
    "1e-6, 1.0, 1.5",
    "1e-6, 1.0, 2.5",
    "1e-4, 5.0, 1.1",
    "1e-5, 10, 1.5",
    "1e-3, 20, 3.5",
    "0.01, 50, 2.5",
    "0.5, 0.05, 1.05",
    "0.01, 10, 20.5",
    "0.1, 100, 20.5",
    "1e-5, 0.1, 256.1",
    "0.999, 100, 256.1",
    "0.004266666666666667, 1.1, 1.1",
    "0.004266666666666667, 1.1, 1.5",
    "0.004266666666666667, 1.1, 2.5",
    "0.004266666666666667, 1.1, 10.9",
    "0.004266666666666667, 1.1, 33.3",
    "0.9, 0.5, 1.1",
    "0.99, 0.1, 1.1",
    "0.99, 0.3, 2.7",
    "0.5, 1.0, 1.01",
    "0.3, 2.0, 7.77",
  })
  void rdp_fractionalOrder_matchesNumericalIntegrationWithin1e7(
      double q, double sigma, double order) {
    double expected = RenyiQuadrature.sampledGaussianRdp(q, sigma, order);
    double actual = SampledGaussianRdp.rdp(q, sigma, order);
    assertThat(actual).isFinite();
    assertRelative(actual, expected, 1e-7, "fractional order");
  }

  @ParameterizedTest(name = "q={0} sigma={1} order={2}")
  @CsvSource({
    "1e-6, 1.0, 27",
    "1e-3, 1.0, 2",
    "0.01, 10, 20",
    "0.004266666666666667, 1.1, 4",
    "0.004266666666666667, 1.1, 32",
    "0.99, 0.1, 256",
    "0.7, 0.8, 11",
  })
  void rdp_integerOrder_matchesNumericalIntegrationWithin1e9(double q, double sigma, double order) {
    double expected = RenyiQuadrature.sampledGaussianRdp(q, sigma, order);
    assertRelative(SampledGaussianRdp.rdp(q, sigma, order), expected, 1e-9, "integer order");
  }

  @Test
  void rdp_justAroundAnInteger_agreesWithIntegerFormula() {
    double atThree = SampledGaussianRdp.rdp(0.05, 0.9, 3);
    assertRelative(SampledGaussianRdp.rdp(0.05, 0.9, 3 + 1e-9), atThree, 1e-7, "3 + 1e-9");
    assertRelative(SampledGaussianRdp.rdp(0.05, 0.9, 3 - 1e-9), atThree, 1e-7, "3 - 1e-9");
  }

  @Test
  void rdp_smallFractionalOrdersAndLargeQ_finiteAndIncreasingInOrder() {
    List<String> failures = new ArrayList<>();
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999999}) {
      for (double sigma : new double[] {0.05, 0.2, 1, 5}) {
        double previous = 0;
        for (double order : OrderGrid.defaults().orders()) {
          double value = SampledGaussianRdp.rdp(q, sigma, order);
          if (!Double.isFinite(value) || value < previous * (1 - 1e-9)) {
            failures.add(
                "q=" + q + " sigma=" + sigma + " order=" + order + " -> " + value + " after "
                    + previous);
          }
          previous = value;
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * The review's scan: at large orders a fractional value must lie between its integer neighbours
   * (ε is non-decreasing in α), and no accepted order may throw. Before, 30 of these threw
   * ArithmeticException, one understated (ε(1000.5) &lt; ε(1000)), and others came out up to 100
   * times too large.
   */
  @Test
  void rdp_largeFractionalOrders_betweenIntegerNeighboursAndNeverThrow() {
    List<String> failures = new ArrayList<>();
    for (double q : new double[] {1e-3, 0.01, 0.03, 0.049, 0.2}) {
      for (double sigma : new double[] {0.5, 2, 20, 100}) {
        for (double base : new double[] {100, 1000, 3000}) {
          String setting = "q=" + q + " sigma=" + sigma + " order=" + base + ".5";
          try {
            double lower = SampledGaussianRdp.rdp(q, sigma, base);
            double mid = SampledGaussianRdp.rdp(q, sigma, base + 0.5);
            double upper = SampledGaussianRdp.rdp(q, sigma, base + 1);
            if (!(mid >= lower && mid <= upper)) {
              failures.add(setting + ": " + lower + ", " + mid + ", " + upper);
            }
          } catch (ArithmeticException e) {
            failures.add(setting + ": " + e.getMessage());
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /** The review's other orders: 2000.5 and 5000.5 at σ = 100 threw. */
  @ParameterizedTest(name = "q={0} order={1}")
  @CsvSource({"0.01, 5000.5", "0.02, 2000.5", "0.03, 5000.5", "0.049, 2000.5", "0.049, 5000.5"})
  void rdp_reviewersThrowingOrders_finiteAndBetweenNeighbours(double q, double order) {
    double mid = SampledGaussianRdp.rdp(q, 100, order);
    assertThat(mid)
        .isBetween(
            SampledGaussianRdp.rdp(q, 100, order - 0.5),
            SampledGaussianRdp.rdp(q, 100, order + 0.5));
  }

  /**
   * Orders past 2^20 take the mixture bound log(1 − q + q·e^{α(α−1)/(2σ²)})/(α − 1): at least the
   * exact ε(α) ≥ (α·log q + α(α−1)/(2σ²))/(α − 1) (the q^α term alone), at most the unsampled
   * Gaussian's α/(2σ²). Up to 2^52 every order is answered.
   */
  @ParameterizedTest(name = "order={0}")
  @CsvSource({"1048576.5", "3000000", "4503599627370495.5", "4503599627370496"})
  void rdp_ordersPast2To20_mixtureBoundWithinProvenLimits(double order) {
    double q = 0.01;
    double sigma = 30;
    double rdp = SampledGaussianRdp.rdp(q, sigma, order);
    double gaussian = order / (2 * sigma * sigma);
    double lastTerm =
        (order * Math.log(q) + order * (order - 1) / (2 * sigma * sigma)) / (order - 1);
    assertThat(rdp).isBetween(lastTerm, gaussian * (1 + 1e-12));
  }

  /**
   * σ so large that σ² overflows: ε(α) is positive (about q²α/(2σ²)·..., below the smallest
   * double), so the rounded-up value must be positive too; it was NaN at integer orders.
   */
  @Test
  void rdp_hugeSigma_positiveAndFinite() {
    for (double order : new double[] {2, 2.5, 64}) {
      double rdp = SampledGaussianRdp.rdp(0.5, 1e200, order);
      assertThat(rdp).as("order %s", order).isPositive().isLessThan(1e-300);
    }
  }

  @Test
  void rdp_neverAboveUnsampledGaussian() {
    for (double order : OrderGrid.defaults().orders()) {
      assertThat(SampledGaussianRdp.rdp(0.3, 0.8, order))
          .isLessThanOrEqualTo(order / (2 * 0.64) * (1 + 1e-12));
    }
  }

  @Test
  void rdp_badArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(1.5, 1, 2))
        .hasMessageContaining("sampleRate must be in [0, 1]; got 1.5");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(Double.NaN, 1, 2))
        .hasMessageContaining("sampleRate");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(0.1, 0, 2))
        .hasMessageContaining("noiseMultiplier must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(0.1, 1, 1))
        .hasMessageContaining("order must be finite and > 1; got 1.0");
  }

  @Test
  void event_steps_multipliesPerStepRdp() {
    double one = new SampledGaussianEvent(0.02, 1.3, 1).rdp(4.5);
    assertThat(new SampledGaussianEvent(0.02, 1.3, 1000).rdp(4.5))
        .isCloseTo(1000 * one, withinPercentage(1e-10));
    assertThat(new SampledGaussianEvent(0.02, 1.3, 1000).rdp(4.5))
        .isGreaterThanOrEqualTo(1000 * one);
  }

  @Test
  void quadrature_reproducesGaussianWhenQIsOne() {
    // Sanity check of the reference itself against the closed form.
    assertThat(RenyiQuadrature.sampledGaussianRdp(1.0, 1.5, 3.5))
        .isCloseTo(3.5 / (2 * 2.25), within(1e-12));
  }
}
