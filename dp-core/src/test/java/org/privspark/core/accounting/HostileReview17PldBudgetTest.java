package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Hostile review of issue 17, item 2: a PLD budget's δ. {@link PrivacyBudget#inMemory} documents δ
 * in [0, 1) for every accountant, but the PLD total reads ε(δ) with δ in (0, 1) only: a PLD budget
 * of δ = 0 is created, then every spend fails with an error about a {@code delta} the caller never
 * passed. Either refuse δ = 0 at creation naming the budget's δ and the PLD range, or admit pure-DP
 * events at δ = 0.
 */
class HostileReview17PldBudgetTest {
  @Test
  void pldBudgetOfDeltaZero_isRefusedAtCreation_orAdmitsAPureDpEventWithinIt() {
    PrivacyBudget budget;
    try {
      budget = PrivacyBudget.inMemory(1.0, 0.0, OrderGrid.defaults(), null, Accountant.PLD);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).contains("delta");
      return;
    }
    PrivacyBudget b = budget;
    // ε = 0.5 pure DP is (0.5, 0)-DP: within a budget of (1, 0).
    assertThat(b.trySpend(new PureDpEvent(0.5))).isTrue();
    assertThat(b.spent().epsilon()).isGreaterThanOrEqualTo(0.5);
    assertThat(b.trySpend(new GaussianEvent(1, 1)))
        .as("a Gaussian has no finite ε at δ = 0: refused, not crashed")
        .isFalse();
  }
}
