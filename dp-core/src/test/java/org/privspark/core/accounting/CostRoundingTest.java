package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Every cost the accountant computes is at least the exact value of its formula: rational costs are
 * compared with exact BigDecimal arithmetic, transcendental ones with 70-digit values ({@link
 * HighPrecision}). Rounding to nearest, as before, lands below the exact value about half the time,
 * which is what these properties catch.
 */
class CostRoundingTest {
  private static final MathContext MC = HighPrecision.MC;

  /** Log-uniform doubles in [min, max], with full 53-bit significands (exp of a uniform). */
  private static Arbitrary<Double> logUniform(double min, double max) {
    double lo = Math.log(min);
    double width = Math.log(max) - lo;
    return Arbitraries.doubles()
        .between(0, 1)
        .ofScale(15)
        .map(u -> Math.exp(lo + u * width))
        .filter(x -> x >= min && x <= max);
  }

  @Provide
  Arbitrary<Double> wide() {
    return logUniform(1e-3, 1e3);
  }

  @Provide
  Arbitrary<Double> orders() {
    return Arbitraries.oneOf(
        logUniform(1.01, 1024), Arbitraries.of(1.1, 1.5, 2.0, 2.5, 10.9, 32.0, 63.0, 1024.0));
  }

  @Provide
  Arbitrary<Double> epsilons() {
    return logUniform(1e-4, 20);
  }

  @Provide
  Arbitrary<Double> rates() {
    return logUniform(1e-4, 0.9);
  }

  @Provide
  Arbitrary<Double> multipliers() {
    return logUniform(0.5, 5);
  }

  @Provide
  Arbitrary<Double> rdps() {
    return logUniform(1e-3, 50);
  }

  @Provide
  Arbitrary<Double> deltas() {
    return logUniform(1e-12, 0.1);
  }

  @Test
  void discreteLaplace_threeTenths_isAtLeastThreeTenths() {
    double eps = new DiscreteLaplaceEvent(10, 3).pureEpsilon();
    // The nearest double to 0.3 is 0.29999999999999998890…, below 3/10.
    assertThat(new BigDecimal(eps).multiply(BigDecimal.TEN))
        .isGreaterThanOrEqualTo(BigDecimal.valueOf(3));
    assertThat(eps).isEqualTo(Math.nextUp(0.3));
  }

  @Property(tries = 3000)
  void discreteLaplaceAndLaplace_pureEpsilon_neverBelowSensitivityOverScale(
      @ForAll @LongRange(min = 1, max = 1L << 52) long scale,
      @ForAll @LongRange(min = 1, max = 1L << 52) long sensitivity) {
    BigDecimal exact = new BigDecimal(sensitivity).divide(new BigDecimal(scale), MC);
    for (PrivacyEvent e :
        new PrivacyEvent[] {
          new DiscreteLaplaceEvent(scale, sensitivity), new LaplaceEvent(scale, sensitivity)
        }) {
      double eps = e.pureEpsilon();
      // eps·t ≥ Δ exactly, and one ulp less falls short: rounded up, by at most one ulp.
      assertThat(new BigDecimal(eps).multiply(new BigDecimal(scale)))
          .isGreaterThanOrEqualTo(new BigDecimal(sensitivity));
      assertThat(HighPrecision.atLeast(Math.nextDown(eps), exact)).isFalse();
    }
  }

  @Property(tries = 3000)
  void gaussianEvents_rdp_neverBelowAlphaDeltaSquaredOverTwoSigmaSquared(
      @ForAll("wide") double sigma,
      @ForAll("wide") double sensitivity,
      @ForAll("orders") double order) {
    BigDecimal numerator = new BigDecimal(order).multiply(new BigDecimal(sensitivity).pow(2));
    BigDecimal denominator = new BigDecimal(sigma).pow(2).multiply(BigDecimal.valueOf(2));
    for (PrivacyEvent e :
        new PrivacyEvent[] {
          new GaussianEvent(sigma, sensitivity), new DiscreteGaussianEvent(sigma, sensitivity)
        }) {
      double rdp = e.rdp(order);
      // Cross-multiplied, exactly: rdp·2σ² ≥ αΔ².
      assertThat(new BigDecimal(rdp).multiply(denominator)).isGreaterThanOrEqualTo(numerator);
    }
  }

  @Property(tries = 2000)
  void zcdp_rdp_neverBelowAlphaRho(@ForAll("wide") double rho, @ForAll("orders") double order) {
    double rdp = new ZcdpEvent(rho).rdp(order);
    assertThat(new BigDecimal(rdp))
        .isGreaterThanOrEqualTo(new BigDecimal(order).multiply(new BigDecimal(rho)));
  }

  /** Randomized response's D_α, in 70 digits: (log cosh((α−½)ε) − log cosh(ε/2))/(α − 1). */
  private static BigDecimal randomizedResponse(double epsilon, double order) {
    BigDecimal e = new BigDecimal(epsilon);
    BigDecimal a = new BigDecimal(order);
    BigDecimal half = new BigDecimal("0.5");
    return HighPrecision.logCosh(a.subtract(half).multiply(e, MC))
        .subtract(HighPrecision.logCosh(e.multiply(half)), MC)
        .divide(a.subtract(BigDecimal.ONE), MC);
  }

  @Property(tries = 500)
  void pureDpCurve_neverBelowRandomizedResponsesDivergence(
      @ForAll("epsilons") double epsilon, @ForAll("orders") double order) {
    BigDecimal exact = randomizedResponse(epsilon, order);
    double rdp = new PureDpEvent(epsilon).rdp(order);
    assertThat(HighPrecision.atLeast(rdp, exact)).as("rdp %s vs %s", rdp, exact).isTrue();
    // …and not loose: within a relative 1e-10 (the error margin grows as α nears 1, where the
    // two log cosh terms nearly cancel: 2^-45·(A + B)/(A − B)).
    assertThat(new BigDecimal(rdp).subtract(exact).abs())
        .isLessThanOrEqualTo(exact.multiply(new BigDecimal("1e-10")));
  }

  /**
   * A σ whose square underflows: the cost is +∞, the only double at or above α/(2σ²). Rounding the
   * underflowed −σ² "up" used to give +MIN_VALUE, so σ² rounded down came out negative and the cost
   * −∞.
   */
  @Test
  void gaussian_sigmaWhoseSquareUnderflows_costIsInfinityNotNegative() {
    assertThat(new GaussianEvent(1e-170, 1).rdp(2)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(SampledGaussianRdp.rdp(1, 1e-170, 2)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(SampledGaussianRdp.rdp(0.5, 1e-170, 2.5)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(Directed.multiplyDown(1e-170, 1e-170)).isNotNegative();
    assertThat(Directed.multiplyUp(-1e-170, 1e-170)).isNotPositive();
  }

  @Property(tries = 150)
  void sampledGaussian_integerOrders_neverBelowTheExactRdp(
      @ForAll("rates") double q,
      @ForAll("multipliers") double sigma,
      @ForAll @IntRange(min = 2, max = 40) int alpha) {
    BigDecimal exact = SampledGaussianReference.integerRdp(q, sigma, alpha);
    double rdp = SampledGaussianRdp.rdp(q, sigma, alpha);
    assertThat(HighPrecision.atLeast(rdp, exact)).as("rdp %s vs %s", rdp, exact).isTrue();
    assertThat(new BigDecimal(rdp).subtract(exact).abs())
        .isLessThanOrEqualTo(exact.multiply(new BigDecimal("1e-9")));
  }

  /** CKS 2020 Prop. 12 at one order, in 70 digits: r + log(1 − 1/α) − (log δ + log α)/(α − 1). */
  private static BigDecimal epsilonAt(double r, double order, double delta) {
    BigDecimal a = new BigDecimal(order);
    BigDecimal oneMinusInverse = BigDecimal.ONE.subtract(BigDecimal.ONE.divide(a, MC));
    return new BigDecimal(r)
        .add(HighPrecision.log(oneMinusInverse), MC)
        .subtract(
            HighPrecision.log(delta)
                .add(HighPrecision.log(order), MC)
                .divide(a.subtract(BigDecimal.ONE), MC),
            MC);
  }

  @Property(tries = 2000)
  void conversion_epsilon_neverBelowTheExactFormula(
      @ForAll("rdps") double r, @ForAll("orders") double order, @ForAll("deltas") double delta) {
    RdpCurve curve = RdpCurve.of(OrderGrid.of(order), new double[] {r});
    PrivacyGuarantee g = RdpConversion.epsilon(curve, 0, Double.POSITIVE_INFINITY, delta);
    BigDecimal exact = epsilonAt(r, order, delta);
    if (exact.signum() > 0 && g.epsilon() > 0) {
      assertThat(HighPrecision.atLeast(g.epsilon(), exact))
          .as("eps %s vs %s", g.epsilon(), exact)
          .isTrue();
      assertThat(new BigDecimal(g.epsilon()).subtract(exact).abs())
          .isLessThanOrEqualTo(
              exact.abs().multiply(new BigDecimal("1e-12")).add(new BigDecimal("1e-13")));
    }
  }

  @Property(tries = 2000)
  void conversion_delta_neverBelowTheExactFormula(
      @ForAll("rdps") double r,
      @ForAll("orders") double order,
      @ForAll("epsilons") double epsilon) {
    RdpCurve curve = RdpCurve.of(OrderGrid.of(order), new double[] {r});
    double delta = RdpConversion.delta(curve, 0, Double.POSITIVE_INFINITY, epsilon).delta();
    BigDecimal a = new BigDecimal(order);
    BigDecimal logOneMinusInverse =
        HighPrecision.log(BigDecimal.ONE.subtract(BigDecimal.ONE.divide(a, MC)));
    // log δ = (α−1)(r − ε + log(1 − 1/α)) − log α, and the total-variation bound ½·log(1 − e^{−r}).
    BigDecimal proposition =
        a.subtract(BigDecimal.ONE)
            .multiply(
                new BigDecimal(r).subtract(new BigDecimal(epsilon)).add(logOneMinusInverse, MC), MC)
            .subtract(HighPrecision.log(order), MC);
    BigDecimal totalVariation =
        HighPrecision.log(
                BigDecimal.ONE.subtract(HighPrecision.exp(new BigDecimal(r).negate()), MC))
            .multiply(new BigDecimal("0.5"));
    BigDecimal exactLog = proposition.min(totalVariation);
    BigDecimal exact = exactLog.signum() >= 0 ? BigDecimal.ONE : HighPrecision.exp(exactLog);
    assertThat(HighPrecision.atLeast(delta, exact)).as("delta %s vs %s", delta, exact).isTrue();
  }

  @Test
  void budget_remainingEpsilon_neverAboveBudgetMinusSpent() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 0);
    budget.spend(new PureDpEvent(0.1));
    budget.spend(new PureDpEvent(0.2));
    double spent = budget.spent().epsilon();
    BigDecimal exact = BigDecimal.ONE.subtract(new BigDecimal(spent));
    assertThat(new BigDecimal(budget.remainingEpsilon())).isLessThanOrEqualTo(exact);
  }
}
