package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.pld.PldAccountant;

/**
 * What an estimator plans to charge equals the accountant's reference for (q, σ, steps). No data is
 * involved: {@link DpSgdEstimator#plan()} reads none.
 */
class DpSgdAccountingTest {

  /**
   * Abadi et al. 2016 (MNIST): lots of 256 of 60,000, σ = 1.1, 60 epochs. Steps are counted as
   * TensorFlow Privacy does (60 · (60000 // 256) = 14,040); the README's accountant example prints
   * ε = 2.59… at δ = 1e-5 for exactly this event (TF Privacy's classic conversion gives about 3.0,
   * see PublishedDpSgdTableTest in dp-core).
   */
  @Test
  void plan_abadiMnistSetting_chargesTheReferenceEventAndEpsilon() {
    DpSgdPlan plan =
        new DPLogisticRegression()
            .setBudget(PrivacyBudget.inMemory(10, 1e-5))
            .setExpectedBatchSize(256)
            .setNumUnits(60_000)
            .setEpochs(60)
            .setNoiseMultiplier(1.1)
            .plan();
    SampledGaussianEvent reference = new SampledGaussianEvent(256.0 / 60_000, 1.1, 14_040);
    assertThat(plan.steps()).isEqualTo(14_040);
    assertThat(plan.event()).isEqualTo(reference);
    assertThat(plan.epsilon())
        .isEqualTo(RdpAccountant.epsilonOf(reference, 1e-5, OrderGrid.defaults()).epsilon());
    assertThat(plan.epsilon()).isCloseTo(2.59, within(0.005));
    System.out.printf("Abadi MNIST setting: epsilon %.4f at delta 1e-5%n", plan.epsilon());
  }

  /**
   * On a PLD budget the target is met under the PLD accountant, which is tighter than RDP: the
   * calibrated z is smaller than on an RDP budget with the same target, still meets the target
   * under PLD (and z·(1 − 1e-3) does not), and the PLD budget admits the whole run while an RDP
   * budget of the same size refuses that (smaller-noise) run.
   */
  @Test
  void plan_onAPldBudget_calibratesUnderPld_smallerNoiseThatThePldBudgetAdmits() {
    double target = 1.0;
    double delta = 1e-5;
    PrivacyBudget pld =
        PrivacyBudget.inMemory(target, delta, OrderGrid.defaults(), null, Accountant.PLD);
    PrivacyBudget rdp = PrivacyBudget.inMemory(target, delta);
    DpSgdPlan onPld = targetPlan(pld, target, delta);
    DpSgdPlan onRdp = targetPlan(rdp, target, delta);
    assertThat(onPld.accountant()).isEqualTo(Accountant.PLD);
    assertThat(onRdp.accountant()).isEqualTo(Accountant.RDP);
    assertThat(onPld.noiseMultiplier()).isLessThan(onRdp.noiseMultiplier());
    assertThat(PldAccountant.epsilon(onPld.event(), delta)).isLessThanOrEqualTo(target);
    assertThat(onPld.epsilon()).isLessThanOrEqualTo(target);
    SampledGaussianEvent lessNoise =
        new SampledGaussianEvent(
            onPld.sampleRate(), onPld.noiseMultiplier() * (1 - 1e-3), onPld.steps());
    assertThat(PldAccountant.epsilon(lessNoise, delta)).isGreaterThan(target);
    assertThat(pld.trySpend(onPld.event())).isTrue();
    assertThat(rdp.trySpend(onPld.event())).isFalse();
    System.out.printf(
        "target epsilon 1 at delta 1e-5, q=%.5f, %d steps: z %.4f on PLD, %.4f on RDP%n",
        onPld.sampleRate(), onPld.steps(), onPld.noiseMultiplier(), onRdp.noiseMultiplier());
  }

  private static DpSgdPlan targetPlan(PrivacyBudget budget, double epsilon, double delta) {
    return new DPLogisticRegression()
        .setBudget(budget)
        .setExpectedBatchSize(1024)
        .setNumUnits(32_561)
        .setEpochs(5)
        .setTargetEpsilon(epsilon)
        .setTargetDelta(delta)
        .plan();
  }

  @Test
  void plan_targetEpsilon_calibratesTheSmallestNoiseThatMeetsIt() {
    double q = 1024.0 / 32_561;
    DpSgdPlan plan =
        new DPLinearRegression()
            .setBudget(PrivacyBudget.inMemory(1, 1e-5))
            .setSampleRate(q)
            .setEpochs(5)
            .setNumUnits(32_561)
            .setTargetEpsilon(1)
            .setTargetDelta(1e-5)
            .plan();
    assertThat(plan.steps()).isEqualTo(5 * 31);
    assertThat(plan.noiseMultiplier())
        .isEqualTo(Calibration.dpSgdNoiseMultiplier(q, 155, 1, 1e-5, OrderGrid.defaults()));
    assertThat(plan.epsilon()).isLessThanOrEqualTo(1).isGreaterThan(0.999);
  }

  @Test
  void plan_fullBatch_oneStepPerEpoch() {
    DpSgdPlan plan =
        new DPLinearRegression()
            .setRowIsUnit(true)
            .setBudget(PrivacyBudget.inMemory(1, 1e-5))
            .setSampleRate(1)
            .setEpochs(3)
            .setNumUnits(100)
            .setNoiseMultiplier(5)
            .plan();
    assertThat(plan.stepsPerEpoch()).isEqualTo(1);
    assertThat(plan.steps()).isEqualTo(3);
    assertThat(plan.noiseStd()).isEqualTo(5.0);
  }

  @Test
  void epsilonAfter_growsWithSteps_andEndsAtTheRunsEpsilon() {
    DpSgdPlan plan =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(PrivacyBudget.inMemory(10, 1e-5))
            .setSampleRate(0.01)
            .setEpochs(2)
            .setNumUnits(10_000)
            .setNoiseMultiplier(1)
            .plan();
    assertThat(plan.epsilonAfter(0)).isZero();
    assertThat(plan.epsilonAfter(100)).isPositive().isLessThan(plan.epsilonAfter(200));
    assertThat(plan.epsilonAfter(plan.steps())).isEqualTo(plan.epsilon());
  }

  @Test
  void epsilonTracker_oneStepCurveTimesK_equalsTheKStepEvent() {
    DpSgdPlan plan =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(PrivacyBudget.inMemory(10, 1e-5))
            .setSampleRate(1024.0 / 32_561)
            .setEpochs(5)
            .setNumUnits(32_561)
            .setNoiseMultiplier(1.878)
            .plan();
    DpSgd.EpsilonTracker tracker = new DpSgd.EpsilonTracker(plan);
    for (long k : new long[] {0, 1, 2, 31, 100, plan.steps()}) {
      assertThat(tracker.after(k)).as("after %d steps", k).isEqualTo(plan.epsilonAfter(k));
    }
  }
}
