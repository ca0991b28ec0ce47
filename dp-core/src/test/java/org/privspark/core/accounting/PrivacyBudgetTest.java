package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {

  @Test
  void spend_withinBudget_isAdmittedAndAccumulates() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-6);
    assertThat(budget.trySpend(GaussianEvent.withNoiseMultiplier(10))).isTrue();
    double afterOne = budget.spent().epsilon();
    assertThat(budget.trySpend(GaussianEvent.withNoiseMultiplier(10))).isTrue();
    assertThat(budget.spent().epsilon()).isGreaterThan(afterOne);
    assertThat(budget.remainingEpsilon()).isEqualTo(1.0 - budget.spent().epsilon());
  }

  @Test
  void spend_overRemainingBudget_refusesAndChangesNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-6);
    budget.spend(new PureDpEvent(0.6));
    PrivacyGuarantee before = budget.spent();
    assertThatThrownBy(() -> budget.spend(new PureDpEvent(0.6)))
        .isInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("privacy budget exhausted")
        .hasMessageContaining("remaining epsilon=0.4");
    assertThat(budget.spent()).isEqualTo(before);
    assertThatThrownBy(() -> budget.spend(new PureDpEvent(0.6)))
        .isInstanceOfSatisfying(
            BudgetExhaustedException.class,
            e -> {
              assertThat(e.budgetEpsilon()).isEqualTo(1.0);
              assertThat(e.budgetDelta()).isEqualTo(1e-6);
              assertThat(e.spentEpsilon()).isEqualTo(before.epsilon());
              assertThat(e.remainingEpsilon())
                  .isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
              assertThat(e.requestedEpsilon())
                  .isCloseTo(1.2, org.assertj.core.api.Assertions.within(1e-12));
            });
    assertThat(budget.trySpend(new PureDpEvent(0.39))).isTrue();
  }

  @Test
  void spend_additiveDeltaOverBudget_refused() {
    PrivacyBudget budget = PrivacyBudget.inMemory(5.0, 1e-6);
    assertThat(budget.trySpend(new ApproximateDpEvent(0.1, 2e-6))).isFalse();
    assertThat(budget.trySpend(new ApproximateDpEvent(0.1, 5e-7))).isTrue();
  }

  @Test
  void spend_zeroDeltaBudget_admitsOnlyPureEvents() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 0.0);
    assertThat(budget.trySpend(GaussianEvent.withNoiseMultiplier(100))).isFalse();
    assertThat(budget.trySpend(new LaplaceEvent(2, 1))).isTrue();
    assertThat(budget.trySpend(new LaplaceEvent(2, 1))).isTrue();
    assertThat(budget.trySpend(new LaplaceEvent(1000, 1))).isFalse();
  }

  @Test
  void spend_admittedTotal_neverExceedsBudgetByAccountant() {
    PrivacyBudget budget = PrivacyBudget.inMemory(2.0, 1e-5);
    RdpAccountant replay = new RdpAccountant();
    PrivacyEvent step = new SampledGaussianEvent(0.01, 1.0, 100);
    int admitted = 0;
    while (budget.trySpend(step)) {
      replay.compose(step);
      admitted++;
    }
    assertThat(admitted).isPositive();
    assertThat(replay.epsilon(1e-5).epsilon()).isLessThanOrEqualTo(2.0);
    assertThat(replay.compose(step).epsilon(1e-5).epsilon()).isGreaterThan(2.0);
  }

  /** Eight threads race to spend; the filter must admit exactly what a sequential run admits. */
  @Test
  void trySpend_concurrentThreads_neverOverspend() throws Exception {
    PrivacyEvent event = GaussianEvent.withNoiseMultiplier(20);
    PrivacyBudget sequential = PrivacyBudget.inMemory(1.0, 1e-6);
    int count = 0;
    while (sequential.trySpend(event)) {
      count++;
    }
    final int expected = count;

    PrivacyBudget shared = PrivacyBudget.inMemory(1.0, 1e-6);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < expected; i++) {
                  if (shared.trySpend(event)) {
                    admitted.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(admitted.get()).isEqualTo(expected);
    assertThat(shared.spent().epsilon()).isLessThanOrEqualTo(1.0);
  }

  @Test
  void constructor_badBudget_throwsNamingTheParameter() {
    assertThatThrownBy(() -> PrivacyBudget.inMemory(0, 1e-6))
        .hasMessage("epsilon must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> PrivacyBudget.inMemory(Double.NaN, 1e-6))
        .hasMessage("epsilon must be finite and > 0; got NaN");
    assertThatThrownBy(() -> PrivacyBudget.inMemory(1, 1.0))
        .hasMessage("delta must be in [0.0, 1.0); got 1.0");
    assertThatThrownBy(() -> PrivacyBudget.inMemory(1, -0.1))
        .hasMessage("delta must be in [0.0, 1.0); got -0.1");
    assertThatThrownBy(() -> PrivacyBudget.inMemory(1, 1e-6).trySpend(null))
        .hasMessage("event must not be null");
  }
}
