package org.privspark.examples;

import java.util.List;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.mechanism.LaplaceMechanism;

/**
 * ε′ of private tuning (η = 1, Papernot &amp; Steinke 2022, Thm. 2) for one DP-SGD grid point, and
 * the noise multiplier that keeps the whole search at the one run's ε: the table of docs/ML.md,
 * "Private hyperparameter selection". Needs dp-core only; run with the source launcher (the command
 * is in docs/ML.md).
 */
public final class TuningCost {
  public static void main(String[] a) {
    double delta = 1e-5;
    OrderGrid grid = OrderGrid.defaults();
    double q = 1024.0 / 30000; // B = 1024 of N = 30,000 units
    long steps = 5 * (long) Math.floor(1 / q); // 5 epochs
    PrivacyEvent score = LaplaceMechanism.builder().epsilon(0.1).l1Sensitivity(1).build().event();
    for (double target : new double[] {1.0, 4.0}) {
      double z = Calibration.dpSgdNoiseMultiplier(q, steps, target, delta, grid);
      PrivacyEvent run = new SampledGaussianEvent(q, z, steps).and(score);
      System.out.printf(
          "one run at epsilon %.1f: q=%.5f steps=%d z=%.4f; run+score epsilon %.4f%n",
          target, q, steps, z, RdpAccountant.epsilonOf(run, delta, grid).epsilon());
      for (double k : new double[] {2, 5, 10, 20}) {
        PrivacyEvent sel = PrivateSelectionEvent.geometric(List.of(run), k);
        double eps = RdpAccountant.epsilonOf(sel, delta, grid).epsilon();
        // the z that makes the whole tuning cost `target`
        double zt =
            Calibration.smallestSatisfying(
                x ->
                    RdpAccountant.epsilonOf(
                                PrivateSelectionEvent.geometric(
                                    List.of(new SampledGaussianEvent(q, x, steps).and(score)), k),
                                delta,
                                grid)
                            .epsilon()
                        <= target,
                1.0);
        System.out.printf(
            "  E[K]=%4.0f: tuning epsilon %.4f (x%.2f); z for tuning at %.1f: %.4f (x%.2f)%n",
            k, eps, eps / target, target, zt, zt / z);
      }
    }
  }
}
