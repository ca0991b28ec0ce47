package org.privspark.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;

/** Random requests against the planner: no plan ever costs more than it was asked for. */
class PlanCostBatteryTest {
  static AggregationRequest req(
      List<Statistic> s,
      List<Double> w,
      boolean pg,
      double sw,
      double eps,
      double delta,
      NoiseKind noise,
      long l0) {
    return new AggregationRequest(
        s, w, pg, sw, 1, l0, eps, delta, noise, null, AggregationPlannerTest::unitBound);
  }

  /**
   * Battery (seeded, exact): 400 random requests over every statistic, noise kind, L0, weights,
   * selection weight, ε and δ. Every plan that builds composes, by the accountant, to at most the
   * requested ε at the requested δ; refusals are IllegalArgumentException before any charge.
   */
  @Test
  void randomRequests_neverCostMoreThanAsked() {
    // Random battery: the event never exceeds the asked epsilon.
    Random rnd = new Random(7);
    int over = 0;
    for (int t = 0; t < 400; t++) {
      List<Statistic> s = new ArrayList<>();
      List<Double> w = new ArrayList<>();
      int n = 1 + rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        double lo = -Math.pow(10, rnd.nextInt(8)) * rnd.nextDouble();
        double hi = lo + Math.pow(10, rnd.nextInt(8) - 3) + rnd.nextDouble();
        Statistic st =
            switch (rnd.nextInt(6)) {
              case 0 -> new BoundedCount();
              case 1 -> new BoundedSum("c" + i, lo, hi);
              case 2 -> new BoundedMean("c" + i, lo, hi);
              case 3 -> new BoundedVariance("c" + i, lo, hi, rnd.nextBoolean());
              case 4 -> new DistinctUnitCount();
              default -> new Histogram("c" + i, new double[] {lo, (lo + hi) / 2, hi});
            };
        if (s.contains(st)) {
          continue;
        }
        s.add(st);
        w.add(Math.min(1e6, Math.max(1e-6, Math.exp(rnd.nextGaussian() * 3))));
      }
      NoiseKind k = NoiseKind.values()[rnd.nextInt(NoiseKind.values().length)];
      double eps = Math.exp(rnd.nextGaussian() * 1.5);
      double delta = Math.pow(10, -3 - rnd.nextInt(10));
      boolean pg = rnd.nextBoolean();
      long l0 = 1 + rnd.nextInt(50);
      double sw = Math.exp(rnd.nextGaussian());
      String desc =
          k + " eps=" + eps + " delta=" + delta + " pg=" + pg + " l0=" + l0 + " sw=" + sw + " w="
              + w + " s=" + s;
      try {
        AggregationRequest r = req(s, w, pg, sw, eps, delta, k, l0);
        AggregationPlan p = AggregationPlanner.plan(r);
        double e = RdpAccountant.epsilonOf(p.event(), delta, OrderGrid.defaults()).epsilon();
        if (e > eps) {
          over++;
          System.out.println("PROBE OVER " + e + " > " + eps + " " + p);
        }
        p.accuracy(100);
      } catch (IllegalArgumentException ex) {
        if (k == NoiseKind.AUTO) {
          // AUTO falls back to Laplace: it refuses only what Laplace refuses too.
          boolean laplacePlans;
          try {
            AggregationPlanner.plan(req(s, w, pg, sw, eps, delta, NoiseKind.LAPLACE, l0));
            laplacePlans = true;
          } catch (IllegalArgumentException e2) {
            laplacePlans = false;
          }
          org.assertj.core.api.Assertions.assertThat(laplacePlans)
              .as("AUTO refused what Laplace plans: " + desc)
              .isFalse();
        }
      }
    }
    org.assertj.core.api.Assertions.assertThat(over).isZero();
  }
}
