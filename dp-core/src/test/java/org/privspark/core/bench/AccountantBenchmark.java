package org.privspark.core.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.pld.PldAccountant;

/**
 * The accountant's costs: one budget-filter spend at several history sizes (it must stay flat: the
 * filter keeps running totals), 10⁶ spends in a row, one DP-SGD curve, one DP-SGD calibration, and
 * ε of Abadi et al.'s MNIST run (q = 256/60000, σ = 1.1, 14,062 steps, δ = 1e-5) by the PLD and the
 * RDP accountant in the same run, for their ratio.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AccountantBenchmark {

  /** A budget that has already admitted {@code history} events, large enough never to run out. */
  @State(Scope.Thread)
  public static class FilledBudget {
    @Param({"0", "1000", "1000000"})
    public int history;

    PrivacyBudget budget;
    final PrivacyEvent event = GaussianEvent.withNoiseMultiplier(1e4);

    @Setup(Level.Trial)
    public void fill() {
      budget = PrivacyBudget.inMemory(1e9, 1e-6);
      for (int i = 0; i < history; i++) {
        budget.trySpend(event);
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public boolean budgetSpend(FilledBudget state) {
    return state.budget.trySpend(state.event);
  }

  /** 10⁶ spends on a fresh budget, end to end. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public PrivacyBudget millionSpends() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1e9, 1e-6);
    PrivacyEvent event = GaussianEvent.withNoiseMultiplier(1e4);
    for (int i = 0; i < 1_000_000; i++) {
      budget.trySpend(event);
    }
    return budget;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double dpSgdEpsilon() {
    return RdpAccountant.epsilonOf(
            new SampledGaussianEvent(256.0 / 60000, 1.1, 14040), 1e-5, OrderGrid.defaults())
        .epsilon();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double dpSgdCalibration() {
    return Calibration.dpSgdNoiseMultiplier(256.0 / 60000, 14040, 3.0, 1e-5, OrderGrid.defaults());
  }

  /** The MNIST DP-SGD event of docs/ACCOUNTING.md's PLD section. */
  private static final SampledGaussianEvent MNIST =
      new SampledGaussianEvent(256.0 / 60000, 1.1, 14062);

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double mnistEpsilonPld() {
    return PldAccountant.epsilon(MNIST, 1e-5);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double mnistEpsilonRdp() {
    return RdpAccountant.epsilonOf(MNIST, 1e-5, OrderGrid.defaults()).epsilon();
  }
}
