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
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.pld.PldTotal;

/** {@link PrivacyBudget} on the PLD accountant (docs/ACCOUNTING.md, "Budgets on PLD"). */
class PldBudgetTest {
  private static final double DELTA = 1e-5;

  /** A DP-SGD run: q = 0.05, z = 1.5, 50 steps (Poisson sampling, add/remove). */
  static final PrivacyEvent DP_SGD = new SampledGaussianEvent(0.05, 1.5, 50);

  /** A Gaussian release of noise multiplier 20. */
  static final PrivacyEvent GAUSSIAN = GaussianEvent.withNoiseMultiplier(20);

  /** The run, then three Gaussian releases. */
  static List<PrivacyEvent> workload() {
    return List.of(DP_SGD, GAUSSIAN, GAUSSIAN, GAUSSIAN);
  }

  /** ε(δ) of the whole workload under PLD, and under RDP on the default grid. */
  static double[] pldAndRdp(List<PrivacyEvent> events, double delta) {
    PldTotal pld = PldTotal.empty();
    RdpAccountant rdp = new RdpAccountant(OrderGrid.defaults());
    for (PrivacyEvent e : events) {
      pld = pld.plus(e);
      rdp.compose(e);
    }
    return new double[] {pld.guarantee(delta).epsilon(), rdp.epsilon(delta).epsilon()};
  }

  private static PrivacyBudget pldBudget(double epsilon) {
    return PrivacyBudget.inMemory(epsilon, DELTA, OrderGrid.defaults(), null, Accountant.PLD);
  }

  @Test
  void dpSgdAndGaussians_areAdmittedUnderPld_whereAnRdpBudgetOfTheSameEpsilonRefuses() {
    double[] both = pldAndRdp(workload(), DELTA);
    assertThat(both[0]).as("PLD is tighter than RDP here").isLessThan(both[1]);
    double epsilon = (both[0] + both[1]) / 2;
    PrivacyBudget pld = pldBudget(epsilon);
    PrivacyBudget rdp = PrivacyBudget.inMemory(epsilon, DELTA);
    boolean rdpRefusedOne = false;
    for (PrivacyEvent e : workload()) {
      assertThat(pld.trySpend(e)).as("PLD admits %s", e).isTrue();
      rdpRefusedOne |= !rdp.trySpend(e);
    }
    assertThat(rdpRefusedOne).as("the RDP budget of the same (ε, δ) refuses the workload").isTrue();
    assertThat(pld.spent().epsilon()).isEqualTo(both[0]);
    assertThat(pld.spent().delta()).isEqualTo(DELTA);
    assertThat(pld.remainingEpsilon()).isEqualTo(Directed.subtractDown(epsilon, both[0]));
    assertThat(pld.accountant()).isEqualTo(Accountant.PLD);
    assertThat(rdp.accountant()).isEqualTo(Accountant.RDP);
    assertThat(pld.toString()).contains("accountant=pld");
  }

  /**
   * Abadi et al.'s MNIST setting (q = 256/60000, σ = 1.1, 14,062 steps, δ = 1e-5): ε ≈ 2.38 under
   * PLD, ≈ 2.60 under RDP on the default grid (docs/ACCOUNTING.md, "Budgets on PLD"), so a budget
   * of ε = 2.5 admits the run on PLD only.
   */
  @Test
  void mnistDpSgd_fitsABudgetOf2point5OnPld_andNotOnRdp() {
    PrivacyEvent mnist = new SampledGaussianEvent(256.0 / 60000, 1.1, 14_062);
    PrivacyBudget pld = pldBudget(2.5);
    PrivacyBudget rdp = PrivacyBudget.inMemory(2.5, DELTA);
    assertThat(pld.trySpend(mnist)).isTrue();
    assertThat(rdp.trySpend(mnist)).isFalse();
    assertThat(rdp.spent().epsilon()).isZero();
  }

  @Test
  void spentOfNothing_isZero() {
    assertThat(pldBudget(1.0).spent().epsilon()).isZero();
    assertThat(pldBudget(1.0).remainingEpsilon()).isEqualTo(1.0);
  }

  @Test
  void overBudget_isRefusedWithTheFigures_andChangesNothing() {
    double one = pldAndRdp(List.of(DP_SGD), DELTA)[0];
    double two = pldAndRdp(List.of(DP_SGD, DP_SGD), DELTA)[0];
    PrivacyBudget budget = pldBudget((one + two) / 2);
    budget.spend(DP_SGD);
    PrivacyGuarantee before = budget.spent();
    assertThatThrownBy(() -> budget.spend(DP_SGD))
        .isInstanceOfSatisfying(
            BudgetExhaustedException.class,
            e -> {
              assertThat(e.spentEpsilon()).isEqualTo(one);
              assertThat(e.requestedEpsilon()).isEqualTo(two);
            })
        .hasMessageContaining("privacy budget exhausted")
        .hasMessageContaining("(PLD accountant)");
    assertThat(budget.trySpend(DP_SGD)).isFalse();
    assertThat(budget.spent()).isEqualTo(before);
    // The refusals left the total as it was: a Gaussian release still fits and composes with the
    // run alone.
    assertThat(budget.trySpend(GAUSSIAN)).isTrue();
    assertThat(budget.spent().epsilon()).isEqualTo(pldAndRdp(List.of(DP_SGD, GAUSSIAN), DELTA)[0]);
  }

  @Test
  void eventWithoutPld_isRefusedBeforeAnythingIsCharged_namingItsKindAndRdp() {
    PrivacyBudget budget = pldBudget(10.0);
    budget.spend(GAUSSIAN);
    PrivacyGuarantee before = budget.spent();
    byte[] id = new byte[PrivacyBudget.RELEASE_ID_LENGTH];
    assertThatThrownBy(() -> budget.spend(new ZcdpEvent(0.01), "release", "", id))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("ZcdpEvent")
        .hasMessageContaining("use an RDP ledger");
    assertThatThrownBy(() -> budget.trySpend(new ZcdpEvent(0.01)))
        .hasMessageContaining("use an RDP ledger");
    assertThat(budget.spent()).isEqualTo(before);
    // The refused release id was not taken.
    budget.spend(GAUSSIAN, "release", "", id);
  }

  @Test
  void releaseId_isAdmittedOnce() {
    PrivacyBudget budget = pldBudget(10.0);
    byte[] id = new byte[PrivacyBudget.RELEASE_ID_LENGTH];
    budget.spend(GAUSSIAN, "release", "", id);
    PrivacyGuarantee before = budget.spent();
    assertThatThrownBy(() -> budget.spend(GAUSSIAN, "release", "", id))
        .isInstanceOf(ReleaseIdReusedException.class);
    assertThat(budget.spent()).isEqualTo(before);
  }

  @Test
  void declaredUnit_isChecked() {
    PrivacyUnit person = PrivacyUnit.of("person", "");
    PrivacyBudget budget =
        PrivacyBudget.inMemory(1.0, DELTA, OrderGrid.defaults(), person, Accountant.PLD);
    assertThat(budget.unit()).contains(person);
    assertThatThrownBy(() -> budget.trySpend(GAUSSIAN)).isInstanceOf(UnitMismatchException.class);
    assertThat(budget.spent().epsilon()).isZero();
  }

  /**
   * Concurrent spends of one event: exactly as many are admitted as one thread admits in a row, so
   * no interleaving overspends (and none is lost).
   */
  @Test
  void concurrentSpends_admitExactlyWhatSequentialSpendsAdmit() throws Exception {
    double epsilon = pldAndRdp(List.of(GAUSSIAN, GAUSSIAN, GAUSSIAN), DELTA)[0] * 1.0001;
    PrivacyBudget sequential = pldBudget(epsilon);
    int admittedInARow = 0;
    while (sequential.trySpend(GAUSSIAN)) {
      admittedInARow++;
    }
    assertThat(admittedInARow).isEqualTo(3);
    PrivacyBudget shared = pldBudget(epsilon);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return shared.trySpend(GAUSSIAN);
                }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Boolean> r : results) {
        admitted += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(admittedInARow);
      assertThat(shared.spent()).isEqualTo(sequential.spent());
    } finally {
      pool.shutdownNow();
    }
  }
}
