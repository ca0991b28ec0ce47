package org.privspark.examples;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * Entry point of the examples' app jar: {@code Main JOB ARGS...}, one of {@link #JOBS}: the
 * production jobs of {@code privspark-jobs} ({@link org.privspark.jobs.Main#JOBS}), the demo and
 * the benchmarks. docs/JOBS.md describes the jobs' arguments; with no job, {@code demo} runs
 * ({@link DemoJob}).
 */
public final class Main {
  /** The jobs, by name, in the order the usage lists them. */
  static final Map<String, org.privspark.jobs.Main.Job> JOBS = jobs();

  private Main() {}

  private static Map<String, org.privspark.jobs.Main.Job> jobs() {
    Map<String, org.privspark.jobs.Main.Job> jobs =
        new LinkedHashMap<>(org.privspark.jobs.Main.JOBS);
    job(
        jobs,
        "demo",
        "end to end on the bundled Adult data (the default with no job)",
        args -> DemoJob.main(args));
    job(
        jobs,
        "accountant-demo",
        "plans a DP-SGD run against a budget (no Spark job)",
        args -> accountantDemo());
    job(
        jobs,
        "benchmark-aggregation",
        "private aggregation against plain Spark",
        args -> AggregationBenchmark.main(args));
    job(
        jobs,
        "benchmark-sql",
        "SELECT WITH DIFFERENTIAL_PRIVACY against the DataFrame API",
        args -> SqlBenchmark.main(args));
    job(
        jobs,
        "benchmark-ml",
        "DP-SGD against plain SGD, treeAggregate and MLlib",
        args -> MlBenchmark.main(args));
    job(
        jobs,
        "benchmark-ml-units",
        "DP-SGD per person on AdultVisits: utility, step cost",
        args -> UnitUtilityBenchmark.main(args));
    job(
        jobs,
        "benchmark-ml-defaults",
        "DP logistic regression's untuned defaults on unseen data, against MLlib",
        args -> DefaultsBenchmark.main(args));
    job(
        jobs,
        "benchmark-wrappers",
        "the DP MLlib wrappers' utility against epsilon",
        args -> WrapperUtilityBenchmark.main(args));
    job(
        jobs,
        "benchmark-releases",
        "many releases from one driver: the heap after GC",
        args -> ReleaseLoopBenchmark.main(args));
    return jobs;
  }

  private static void job(
      Map<String, org.privspark.jobs.Main.Job> jobs,
      String name,
      String summary,
      Consumer<String[]> main) {
    jobs.put(name, new org.privspark.jobs.Main.Job(summary, main));
  }

  public static void main(String[] args) {
    org.privspark.jobs.Main.run(JOBS, args.length == 0 ? new String[] {"demo"} : args);
  }

  private static void accountantDemo() {
    // UCI Adult training split: 32,561 rows; a DP-SGD run with lots of 256 for 20 epochs.
    long rows = 32_561;
    double q = 256.0 / rows;
    long steps = 20 * (rows / 256);
    double epsilon = 1.0;
    double delta = 1e-6;
    double z = Calibration.dpSgdNoiseMultiplier(q, steps, epsilon, delta, OrderGrid.defaults());
    PrivacyBudget budget = PrivacyBudget.inMemory(epsilon, delta);
    budget.spend(new SampledGaussianEvent(q, z, steps));
    PrivacyGuarantee spent = budget.spent();
    System.out.printf(
        Locale.ROOT,
        "DP-SGD plan: q=%.6f, steps=%d -> noise multiplier %.4f for (%.1f, %.0e)-DP%n",
        q,
        steps,
        z,
        epsilon,
        delta);
    System.out.printf(
        Locale.ROOT,
        "charged to the budget: epsilon=%.4f at delta=%.0e (optimal order %.1f)%n",
        spent.epsilon(),
        delta,
        spent.order());
  }
}
