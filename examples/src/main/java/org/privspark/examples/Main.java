package org.privspark.examples;

import java.util.Locale;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * Entry point of the examples jar: {@code Main JOB ARGS...}. Jobs: {@code accountant-demo} (the
 * default), which plans a DP-SGD run on the Adult data set's size against a budget, and {@code
 * benchmark-aggregation}, the Spark benchmark of private aggregation against plain Spark
 * ({@link AggregationBenchmark}), and {@code benchmark-ml}, DP-SGD on Adult against plain SGD and
 * MLlib ({@link MlBenchmark}). The other Spark jobs (aggregate, train, report) arrive with their
 * issues.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String job = args.length == 0 ? "accountant-demo" : args[0];
    switch (job) {
      case "accountant-demo" -> accountantDemo();
      case "benchmark-aggregation" -> AggregationBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      case "benchmark-ml" -> MlBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      default -> {
        System.err.println("unknown job '" + job + "'; jobs: accountant-demo, benchmark-aggregation, benchmark-ml");
        System.exit(2);
      }
    }
  }

  private static void accountantDemo() {
    // UCI Adult training split: 32,561 rows; a DP-SGD run with lots of 256 for 20 epochs.
    long rows = 32_561;
    double q = 256.0 / rows;
    long steps = 20 * (rows / 256);
    double epsilon = 1.0;
    double delta = 1e-6;
    double z = Calibration.dpSgdNoiseMultiplier(q, steps, epsilon, delta, OrderGrid.defaults());
    PrivacyBudget budget = new PrivacyBudget(epsilon, delta);
    budget.spend(new SampledGaussianEvent(q, z, steps));
    PrivacyGuarantee spent = budget.spent();
    System.out.printf(Locale.ROOT, "DP-SGD plan: q=%.6f, steps=%d -> noise multiplier %.4f for (%.1f, %.0e)-DP%n",
        q, steps, z, epsilon, delta);
    System.out.printf(Locale.ROOT, "charged to the budget: epsilon=%.4f at delta=%.0e (optimal order %.1f)%n",
        spent.epsilon(), delta, spent.order());
  }
}
