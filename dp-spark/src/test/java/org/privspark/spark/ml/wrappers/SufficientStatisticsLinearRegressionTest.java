package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.KeyedStreamSource;

class SufficientStatisticsLinearRegressionTest {
  private static final double DELTA = 1e-6;

  private static SufficientStatisticsLinearRegression toyBuilder(PrivacyBudget budget) {
    return new SufficientStatisticsLinearRegression()
        .setRowIsUnit(true)
        .setEpsilon(1)
        .setDelta(DELTA)
        .setNumFeatures(3)
        .setMaxFeatureNorm(Math.sqrt(3))
        .setLabelBounds(-5, 15)
        .setLabelCol("y")
        .setBudget(budget)
        .setReleaseSecret(WrapperTesting.secret(20));
  }

  @Test
  void params_invalid_throwIllegalArgumentExceptionNamingTheParam() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 1e-5);
    assertThatThrownBy(() -> toyBuilder(budget).setEpsilon(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("epsilon must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(budget).setDelta(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be in (0.0, 1.0); got 0.0");
    assertThatThrownBy(() -> toyBuilder(budget).setDelta(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("delta must be in (0.0, 1.0)");
    assertThatThrownBy(() -> toyBuilder(budget).setMaxFeatureNorm(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxFeatureNorm must be in (0.0, 1.0E154]");
    assertThatThrownBy(() -> toyBuilder(budget).setLabelBounds(3, 3).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("labelBounds must be finite with lower < upper; got [3.0, 3.0]");
    // Scales a fit divides by must be finite, or it would fail (or release NaN) after the charge.
    assertThatThrownBy(() -> toyBuilder(budget).setMaxFeatureNorm(1e200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFeatureNorm must be in (0.0, 1.0E154]; got 1.0E200");
    assertThatThrownBy(() -> toyBuilder(budget).setLabelBounds(-1e308, 1e308).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "labelBounds must keep upper - lower, lower + upper and sqrt(maxFeatureNorm^2 + 1) *"
                + " (upper - lower) finite; got [-1.0E308, 1.0E308]");
    assertThatThrownBy(() -> toyBuilder(budget).setRidge(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ridge must be finite and >= 0");
    assertThatThrownBy(() -> toyBuilder(budget).setNumFeatures(2000).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("numFeatures must be in [1, 1000]");
  }

  @Test
  void fit_missingOrMistypedColumns_throwsAndSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(5, 1e-5);
    Dataset<Row> toy = WrapperTesting.toy(30);
    assertThatThrownBy(() -> toyBuilder(budget).setLabelCol("nope").fit(toy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("labelCol must name a column of the input; got 'nope'");
    assertThatThrownBy(
            () ->
                toyBuilder(budget)
                    .setNumFeatures(4)
                    .fit(
                        toy.withColumn(
                            "features",
                            toy.col("features")
                                .as(
                                    "features",
                                    new org.apache.spark.ml.attribute.AttributeGroup("features", 3)
                                        .toMetadata()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("numFeatures must equal the size recorded");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_chargesCostOnceBeforeReadingAnyRow() {
    LongAccumulator reads = WrapperTesting.accumulator();
    WrapperTesting.RecordingJournal journal = new WrapperTesting.RecordingJournal(reads);
    SufficientStatisticsLinearRegression lr = toyBuilder(journal.budget());
    SufficientStatisticsLinearRegressionModel fit =
        lr.fit(WrapperTesting.counting(WrapperTesting.toy(50), "y", reads));
    assertThat(journal.events).containsExactly(lr.cost());
    assertThat(journal.mechanisms).containsExactly("ml-linear-regression-ssp");
    assertThat(journal.rowsReadAtSpend).containsExactly(0L);
    assertThat(reads.value()).isEqualTo(50L);
    assertThat(fit.epsilon()).isEqualTo(WrapperSupport.epsilonOf(lr.cost(), fit.delta()));
  }

  @Test
  void fit_budgetRefuses_throwsReadsNoRowAndLeavesBudgetUnchanged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(0.9, DELTA);
    LongAccumulator reads = WrapperTesting.accumulator();
    Dataset<Row> data = WrapperTesting.counting(WrapperTesting.toy(40), "y", reads);
    assertThatThrownBy(() -> toyBuilder(budget).fit(data))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(reads.value()).isZero();
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void sigma_matchesRdpCalibrationAtSensitivitySqrtTwo_andCostWithinEpsilon() {
    SufficientStatisticsLinearRegression lr =
        toyBuilder(PrivacyBudget.inMemory(1, DELTA)).setEpsilon(0.5);
    double expected =
        Calibration.rdpGaussianSigma(0.5, DELTA, Math.nextUp(Math.sqrt(2)), OrderGrid.defaults());
    assertThat(lr.plan(1).sigma()).isEqualTo(expected);
    DiscreteGaussianEvent event = (DiscreteGaussianEvent) lr.cost();
    // z = σ/Δ of the charged event is never below the calibrated σ/√2 (more noise, never less)
    assertThat(event.sigma() / event.l2Sensitivity())
        .isGreaterThanOrEqualTo(expected / Math.nextUp(Math.sqrt(2)) * (1 - 1e-6));
    assertThat(WrapperSupport.epsilonOf(event, DELTA)).isLessThanOrEqualTo(0.5);
  }

  /**
   * 2,000 releases of the statistics of a 3-feature fit with intercept (p = 4: 10 Gram entries and
   * 4 moments). Each decoded Gram entry has noise of standard deviation σ·R̃², each moment σ·R̃h.
   * With 20,000 (resp. 8,000) standardised draws the sample variance has relative standard
   * deviation √(2/n) ≤ 1.6%; the check allows 8% (five standard deviations): false-failure
   * probability below 1e-6 per check. Diagonal and off-diagonal noise are pooled; symmetry is
   * exact.
   */
  @Test
  void release_2kDraws_noiseMatchesCalibratedSigma_andGramIsSymmetric() {
    SufficientStatisticsLinearRegression lr = toyBuilder(PrivacyBudget.inMemory(1, DELTA));
    double[] exact = new double[14];
    double gramSd = lr.plan(1).sigma() * lr.plan(1).gramScale();
    double targetSd = lr.plan(1).sigma() * lr.plan(1).targetScale();
    double gramSq = 0;
    double targetSq = 0;
    for (int r = 0; r < 2_000; r++) {
      SufficientStatisticsLinearRegression.NoisyMoments m =
          lr.plan(1).release(exact, KeyedStreamSource.forCell(WrapperTesting.secret(21), "r" + r));
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          assertThat(m.gram()[i][j]).isEqualTo(m.gram()[j][i]);
          if (j >= i) {
            gramSq += Math.pow(m.gram()[i][j] / gramSd, 2);
          }
        }
        targetSq += Math.pow(m.xty()[i] / targetSd, 2);
      }
    }
    assertThat(gramSq / 20_000).isCloseTo(1.0, within(0.08));
    assertThat(targetSq / 8_000).isCloseTo(1.0, within(0.08));
  }

  @Test
  void fit_returnsLinearRegressionModelThatTransforms_andRecoversToyCoefficientsAtHighEpsilon() {
    Dataset<Row> toy = WrapperTesting.toy(2_000);
    SufficientStatisticsLinearRegressionModel fit =
        toyBuilder(PrivacyBudget.inMemory(1000, DELTA)).setEpsilon(1000).setRidge(0).fit(toy);
    SufficientStatisticsLinearRegressionModel model = fit;
    assertThat(model.coefficients().size()).isEqualTo(3);
    // y = 10a + 2b − 3c + 1 exactly, all rows inside the bounds
    assertThat(model.coefficients().apply(0)).isCloseTo(10, within(0.2));
    assertThat(model.coefficients().apply(1)).isCloseTo(2, within(0.2));
    assertThat(model.coefficients().apply(2)).isCloseTo(-3, within(0.2));
    assertThat(model.intercept()).isCloseTo(1, within(0.2));
    assertThat(model.transform(toy).columns()).contains("prediction");
  }
}
