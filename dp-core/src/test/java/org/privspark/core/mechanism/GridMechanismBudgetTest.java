package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * The spend-first overloads: validate, charge, then draw; a refusal leaves everything untouched.
 */
class GridMechanismBudgetTest {
  private static final Secret SECRET = Secret.fromBytes(new byte[32]);
  private static final LaplaceMechanism LAPLACE =
      LaplaceMechanism.builder().epsilon(0.5).l1Sensitivity(1).build();
  private static final GaussianMechanism GAUSSIAN =
      GaussianMechanism.builder().epsilon(0.5).delta(1e-6).l2Sensitivity(1).build();

  /** True when the source has not been read: its next word is the stream's first word. */
  private static boolean untouched(KeyedStreamSource source) {
    return source.nextLong() == KeyedStreamSource.forCell(SECRET, "cell").nextLong();
  }

  @Test
  void release_withBudget_chargesTheEventBeforeReleasing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 0.0);
    NoisyValue v = LAPLACE.release(10.0, KeyedStreamSource.forCell(SECRET, "cell"), budget);
    assertThat(v.event()).isEqualTo(LAPLACE.event());
    PrivacyGuarantee expected = new RdpAccountant().compose(LAPLACE.event()).epsilon(0.0);
    assertThat(budget.spent()).isEqualTo(expected);
    assertThat(budget.spent().epsilon()).isLessThanOrEqualTo(0.5);
  }

  @Test
  void release_overBudget_throwsAndDrawsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(0.7, 0.0);
    // Another release, keyed by another secret (one secret keys one release per budget).
    LAPLACE.release(
        1.0,
        KeyedStreamSource.forCell(org.privspark.core.noise.Secret.generate(), "other"),
        budget);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "cell");
    assertThatThrownBy(() -> LAPLACE.release(1.0, source, budget))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(untouched(source)).isTrue();
  }

  @Test
  void release_invalidValue_chargesNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1.0, 1e-5);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "cell");
    assertThatThrownBy(() -> GAUSSIAN.release(Double.NaN, source, budget))
        .hasMessageContaining("value must be finite");
    assertThatThrownBy(
            () -> GAUSSIAN.release(new double[] {1, Double.POSITIVE_INFINITY}, source, budget))
        .hasMessage("every entry of values must be finite (not shown: it may be private)");
    assertThat(budget.spent().epsilon()).isZero();
    assertThat(untouched(source)).isTrue();
  }

  @Test
  void releaseVector_withBudget_chargesTheVectorEvent() {
    PrivacyBudget budget = PrivacyBudget.inMemory(5.0, 1e-5);
    NoisyVector v =
        GAUSSIAN.release(new double[] {1, 2, 3}, KeyedStreamSource.forCell(SECRET, "cell"), budget);
    assertThat(v.event()).isEqualTo(GAUSSIAN.eventFor(3));
    assertThat(budget.spent())
        .isEqualTo(new RdpAccountant().compose(GAUSSIAN.eventFor(3)).epsilon(1e-5));
  }

  @Test
  void release_nullBudget_throwsNamingIt() {
    assertThatThrownBy(() -> LAPLACE.release(1.0, KeyedStreamSource.forCell(SECRET, "c"), null))
        .hasMessage("budget must not be null");
  }
}
