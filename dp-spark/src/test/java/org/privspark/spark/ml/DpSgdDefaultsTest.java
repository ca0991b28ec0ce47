package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * The untuned defaults of the DP-SGD estimators (docs/ML.md, "Defaults"): the batch rule when no
 * batch size is given, the noise rule for the learning rate, the default epochs, and that every
 * explicit setting overrides them. Planning only: no data is read, nothing is spent.
 */
class DpSgdDefaultsTest {
  private static DPLogisticRegression untuned(long n) {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setBudget(PrivacyBudget.inMemory(1, 1e-5))
        .setTargetEpsilon(1)
        .setTargetDelta(1e-5)
        .setNumUnits(n);
  }

  @Test
  void plan_withoutABatchSize_takesNOver50Units_atLeast256() {
    assertThat(untuned(100_000).plan().sampleRate()).isEqualTo(2_000.0 / 100_000);
    assertThat(untuned(4_000).plan().sampleRate()).isEqualTo(256.0 / 4_000);
    assertThat(untuned(100).plan().sampleRate()).isEqualTo(1.0);
    assertThat(untuned(100_000).plan().stepsPerEpoch()).isEqualTo(50);
  }

  @Test
  void plan_withACountedN_usesOneFiftieth() {
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(PrivacyBudget.inMemory(1, 1e-5))
            .setTargetEpsilon(1)
            .setTargetDelta(1e-5)
            .setNumUnitsNoiseStd(10);
    assertThat(lr.plan().sampleRate()).isEqualTo(1.0 / 50);
  }

  @Test
  void plan_explicitBatchSettings_overrideTheRule() {
    assertThat(untuned(100_000).setExpectedBatchSize(1024).plan().sampleRate())
        .isEqualTo(1024.0 / 100_000);
    assertThat(untuned(100_000).setSampleRate(0.1).plan().sampleRate()).isEqualTo(0.1);
    assertThat(untuned(100_000).setEpochs(3).plan().epochs()).isEqualTo(3);
  }

  @Test
  void defaults_areTenEpochs_andClipNormOne() {
    DpSgdPlan plan = untuned(100_000).plan();
    assertThat(plan.epochs()).isEqualTo(DpSgdEstimator.DEFAULT_EPOCHS).isEqualTo(10);
    assertThat(plan.steps()).isEqualTo(500);
    assertThat(plan.clipNorm()).isEqualTo(1.0);
  }

  @Test
  void learningRate_unset_followsTheNoiseRule_cappedAtTheMaxStep() {
    // Large N: B = 2,000, z about 0.9 at epsilon 1 with 500 steps: B/(z*sqrt(T)) is far above the
    // cap, so eta*C = 4.
    DPLogisticRegression big = untuned(100_000).setClipNorm(2);
    DpSgdPlan plan = big.plan();
    assertThat(big.learningRateFor(plan, 100_000)).isEqualTo(DpSgdEstimator.DEFAULT_MAX_STEP / 2);
    // Small N at small epsilon: the noise binds, eta = B / (z * sqrt(T) * C).
    DPLogisticRegression small =
        untuned(4_000).setBudget(PrivacyBudget.inMemory(0.1, 1e-5)).setTargetEpsilon(0.1);
    DpSgdPlan p = small.plan();
    double b = p.sampleRate() * 4_000;
    double rule = b / (p.noiseMultiplier() * Math.sqrt(p.steps()));
    assertThat(rule).isLessThan(DpSgdEstimator.DEFAULT_MAX_STEP);
    assertThat(small.learningRateFor(p, 4_000)).isCloseTo(rule, within(1e-12));
  }

  @Test
  void learningRate_explicit_overridesTheRule_andLinearKeepsItsDefault() {
    DPLogisticRegression lr = untuned(100_000).setLearningRate(0.3);
    assertThat(lr.learningRateFor(lr.plan(), 100_000)).isEqualTo(0.3);
    DPLinearRegression linear =
        new DPLinearRegression()
            .setRowIsUnit(true)
            .setBudget(PrivacyBudget.inMemory(1, 1e-5))
            .setTargetEpsilon(1)
            .setTargetDelta(1e-5)
            .setNumUnits(100_000);
    assertThat(linear.learningRateFor(linear.plan(), 100_000)).isEqualTo(0.1);
  }

  @Test
  void learningRate_underAdaptiveClipping_keepsTheRulesStepInUnitsOfTheCurrentC() {
    DpSgdPlan plan = untuned(100_000).setClipNorm(2).plan();
    DpSgd.Settings fixed =
        new DpSgd.Settings(
            plan, DpSgd.Loss.LOGISTIC, UnitGradient.MEAN, true, 2.0, 0, 100_000, 3, "s", false);
    assertThat(fixed.learningRateAt(0.5)).isEqualTo(2.0);
    DpSgd.Settings scaled =
        new DpSgd.Settings(
            plan,
            DpSgd.Loss.LOGISTIC,
            UnitGradient.MEAN,
            true,
            2.0,
            0,
            100_000,
            3,
            "s",
            false,
            true);
    // eta * C0 / C_t: the step eta * C_t stays 2 * 2 = 4.
    assertThat(scaled.learningRateAt(0.5)).isEqualTo(8.0);
    assertThat(scaled.learningRateAt(2)).isEqualTo(2.0);
  }
}
