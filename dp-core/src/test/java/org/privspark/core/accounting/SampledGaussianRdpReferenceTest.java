package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The subsampled Gaussian's RDP is never below its exact value, checked against high-precision
 * references that share no code with it ({@link SampledGaussianReference}: the binomial expansion
 * in 80 digits at integer orders, a 50-digit trapezoidal quadrature at any order), over a wide
 * range of sampling rates, noise multipliers and orders, including the large orders and large αq
 * where the fractional series once understated (a hostile review: ε(1000.5) at q = 0.03, σ = 100
 * came out 0.17% low, below ε(1000)).
 */
class SampledGaussianRdpReferenceTest {
  private static final MathContext DIGITS = MathContext.DECIMAL64;

  /** The reviewer's case: ε(1000.5) at q = 0.03, σ = 100 is 4.51560904477775e-5 (mpmath agrees). */
  @Test
  void rdp_reviewersOrder1000point5_notBelowReferenceAndBetweenIntegerNeighbours() {
    BigDecimal exact = SampledGaussianReference.rdp(0.03, 100, 1000.5);
    assertThat(exact.round(new MathContext(12))).isEqualByComparingTo("4.51560904478e-5");
    double rdp = SampledGaussianRdp.rdp(0.03, 100, 1000.5);
    assertThat(HighPrecision.atLeast(rdp, exact)).as("rdp %s vs exact %s", rdp, exact).isTrue();
    assertThat(rdp)
        .isBetween(
            SampledGaussianRdp.rdp(0.03, 100, 1000), SampledGaussianRdp.rdp(0.03, 100, 1001));
    assertThat(rdp / exact.doubleValue() - 1).isLessThan(1e-9);
  }

  /**
   * End to end, as the review ran it: grid {1000, 1000.5, 1001}, 500 steps, δ = 1e-10. The
   * accountant reported ε = 0.037665 at order 1000.5; the exact curve gives 0.037700.
   */
  @Test
  void epsilonOf_reviewersGrid_notBelowTheEpsilonOfTheExactCurve() {
    OrderGrid grid = OrderGrid.of(1000, 1000.5, 1001);
    SampledGaussianEvent event = new SampledGaussianEvent(0.03, 100, 500);
    double[] exactCurve = new double[3];
    for (int i = 0; i < 3; i++) {
      // The exact 500·ε(α), moved to the double at or above it.
      BigDecimal total =
          SampledGaussianReference.rdp(0.03, 100, grid.order(i)).multiply(BigDecimal.valueOf(500));
      exactCurve[i] = atOrAbove(total);
    }
    double exact =
        RdpConversion.epsilon(RdpCurve.of(grid, exactCurve), 0, Double.POSITIVE_INFINITY, 1e-10)
            .epsilon();
    double reported = RdpAccountant.epsilonOf(event, 1e-10, grid).epsilon();
    assertThat(exact).isCloseTo(0.037700, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(reported).isGreaterThanOrEqualTo(exact);
    assertThat(reported / exact - 1).isLessThan(1e-9);
  }

  private static double atOrAbove(BigDecimal v) {
    double d = v.doubleValue();
    return new BigDecimal(d).compareTo(v) >= 0 ? d : Math.nextUp(d);
  }

  /**
   * A grid of settings from q = 1e-6 to 0.99, σ = 0.5 to 100 and orders 1.1 to 1000.5 (fractional)
   * and 2 to 256 (integer): every value at or above the reference, and within a relative 1e-6 of it
   * (most within 1e-12; the widest margins are where the fractional series cancel most, large σ and
   * α near 1). The largest overestimate is printed.
   */
  @Test
  void rdp_wideScan_neverBelowTheHighPrecisionReference() {
    double[] rates = {1e-6, 1e-3, 256.0 / 60000, 0.03, 0.2, 0.6, 0.99};
    double[] multipliers = {0.5, 1.1, 3, 10, 100};
    double[] orders = {1.1, 2.5, 10.9, 64.5, 1000.5, 2, 11, 256};
    List<String> failures = new ArrayList<>();
    double worst = 0;
    String worstCase = "";
    for (double q : rates) {
      for (double sigma : multipliers) {
        for (double order : orders) {
          BigDecimal exact =
              order == Math.rint(order)
                  ? SampledGaussianReference.integerRdp(q, sigma, (int) order)
                  : SampledGaussianReference.rdp(q, sigma, order);
          double rdp = SampledGaussianRdp.rdp(q, sigma, order);
          String setting = "q=" + q + " sigma=" + sigma + " order=" + order;
          if (!HighPrecision.atLeast(rdp, exact)) {
            failures.add(setting + ": " + rdp + " below " + exact.round(DIGITS));
            continue;
          }
          double over = new BigDecimal(rdp).subtract(exact).divide(exact, DIGITS).doubleValue();
          if (over > 1e-6) {
            failures.add(setting + ": " + rdp + " above " + exact.round(DIGITS) + " by " + over);
          }
          if (over > worst) {
            worst = over;
            worstCase = setting;
          }
        }
      }
    }
    System.out.printf("largest relative overestimate %.3e at %s%n", worst, worstCase);
    assertThat(failures).isEmpty();
  }

  /** The quadrature reference itself agrees with the exact expansion at integer orders. */
  @Test
  void reference_quadratureMatchesBinomialExpansionAtIntegerOrders() {
    for (int order : new int[] {2, 3, 7, 64}) {
      BigDecimal expansion = SampledGaussianReference.integerRdp(0.03, 0.8, order);
      BigDecimal quadrature = SampledGaussianReference.rdp(0.03, 0.8, order);
      assertThat(expansion.subtract(quadrature).abs())
          .isLessThan(expansion.multiply(new BigDecimal("1e-35")));
    }
  }
}
